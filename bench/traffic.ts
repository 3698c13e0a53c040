/** What the emulator's request log says about one run: writes, reads and token calls. */
import type { RunningEmulator } from '../emulator';
import { connectionCalls, writes } from '../test/support/engine';

export interface Traffic {
  /** Every API call, token calls included. */
  readonly requests: number;
  /** POST, PUT and DELETE on connections. */
  readonly writes: number;
  readonly posts: number;
  readonly puts: number;
  readonly deletes: number;
  /** GET on connections (the resource refresh and the read-back data source both read one connection). */
  readonly reads: number;
  /** Calls to the OAuth2 token endpoint. */
  readonly tokens: number;
  /** Answers of 400 and above. */
  readonly failed: number;
}

export function traffic(emulator: RunningEmulator, since: number): Traffic {
  const tokenPath = new URL(emulator.tokenUrl).pathname;
  const all = emulator.requests().slice(since);
  const w = writes(emulator, since);
  const count = (method: string) => w.filter((r) => r.method === method).length;
  return {
    requests: all.length,
    writes: w.length,
    posts: count('POST'),
    puts: count('PUT'),
    deletes: count('DELETE'),
    reads: connectionCalls(emulator, since).filter((r) => r.method === 'GET').length,
    tokens: all.filter((r) => r.path === tokenPath).length,
    failed: all.filter((r) => r.status >= 400).length,
  };
}

/** Seconds from `startedMs` (epoch) to the first and to the last API call logged since `since`. */
export function callWindow(
  emulator: RunningEmulator,
  since: number,
  startedMs: number,
): { firstCallSeconds: number | null; lastCallSeconds: number | null } {
  const all = emulator.requests().slice(since);
  if (!all.length) return { firstCallSeconds: null, lastCallSeconds: null };
  const at = (i: number) => (Date.parse(all[i].at) - startedMs) / 1000;
  return { firstCallSeconds: at(0), lastCallSeconds: at(all.length - 1) };
}
