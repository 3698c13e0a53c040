import { DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_MAX_ENTRIES } from './options';

/** One API call as seen by the emulator; secrets in `body` are fingerprints, never the values. */
export interface RequestLogEntry {
  method: string;
  /** Full path without the query string. */
  path: string;
  /** Status answered; for a dropped response, the status the call would have answered. */
  status: number;
  /** ISO time the call arrived. */
  at: string;
  /** Body of an authenticated connection POST/PUT that was valid JSON, with secrets fingerprinted. */
  body?: unknown;
  /** Set when a fault rule applied to the call. */
  fault?: true;
  /** Set when the response was withheld (`dropAfterCommit`). */
  dropped?: true;
  /** Set when the rate limiter refused the call. */
  rateLimited?: true;
}

export interface RequestLogLimits {
  maxEntries: number;
  /** Total size of the entries serialised as JSON. */
  maxBytes: number;
}

/**
 * The newest API calls, bounded by count and by bytes: the oldest entries go first. Dropping is O(1)
 * (a moving start index, compacted now and then), so a full log costs nothing extra per call.
 */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private sizes: number[] = [];
  private start = 0;
  private bytes = 0;
  private readonly limits: RequestLogLimits;

  constructor(limits: Partial<RequestLogLimits> = {}) {
    this.limits = {
      maxEntries: limits.maxEntries ?? DEFAULT_LOG_MAX_ENTRIES,
      maxBytes: limits.maxBytes ?? DEFAULT_LOG_MAX_BYTES,
    };
  }

  get size(): number {
    return this.entries.length - this.start;
  }

  record(entry: RequestLogEntry): void {
    let size = JSON.stringify(entry).length;
    if (size > this.limits.maxBytes && entry.body !== undefined) {
      // A single entry larger than the whole budget keeps its line but not its body.
      entry = { ...entry };
      delete entry.body;
      size = JSON.stringify(entry).length;
    }
    this.entries.push(entry);
    this.sizes.push(size);
    this.bytes += size;
    while (this.size > this.limits.maxEntries || (this.bytes > this.limits.maxBytes && this.size > 1)) {
      this.bytes -= this.sizes[this.start];
      // Free the entry now; the slot itself goes at the next compaction.
      this.entries[this.start] = undefined as unknown as RequestLogEntry;
      this.start++;
    }
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.sizes = this.sizes.slice(this.start);
      this.start = 0;
    }
  }

  /** A deep copy, so callers cannot rewrite history. */
  list(): RequestLogEntry[] {
    return structuredClone(this.entries.slice(this.start));
  }

  clear(): void {
    this.entries = [];
    this.sizes = [];
    this.start = 0;
    this.bytes = 0;
  }
}
