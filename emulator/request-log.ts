/** One API call as seen by the emulator; secrets in `body` are fingerprints, never the values. */
export interface RequestLogEntry {
  method: string;
  /** Full path without the query string. */
  path: string;
  /** Status answered; for a dropped response, the status the call would have answered. */
  status: number;
  /** ISO time the call arrived. */
  at: string;
  /** Body of a connection POST/PUT that was valid JSON, with secrets fingerprinted. */
  body?: unknown;
  /** Set when a fault rule applied to the call. */
  fault?: true;
  /** Set when the response was withheld (`dropAfterCommit`). */
  dropped?: true;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** A deep copy, so callers cannot rewrite history. */
  list(): RequestLogEntry[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
