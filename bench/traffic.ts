/** What the emulator's request log says about one engine run: writes, reads by kind and token calls. */
import type { RunningEmulator } from '../emulator';

export interface Traffic {
  /** Every API call, token calls included. */
  readonly requests: number;
  /** POST, PUT and DELETE on connections. */
  readonly writes: number;
  readonly posts: number;
  readonly puts: number;
  readonly deletes: number;
  /** GETs on connections: one connection (`GET /connections/{id}`) or a page of the list. */
  readonly reads: number;
  readonly singleReads: number;
  readonly listReads: number;
  /** Calls to the OAuth2 token endpoint. */
  readonly tokens: number;
  /** Answers of 400 and above. */
  readonly failed: number;
  /** Refused by the emulator's rate limit (counted in the kinds above too), and of those the writes. */
  readonly refused: number;
  readonly refusedWrites: number;
}

/** Counts the calls logged since index `since` (the log is sized never to drop entries in a run). */
export function trafficSince(emulator: RunningEmulator, since: number): Traffic {
  const tokenPath = new URL(emulator.tokenUrl).pathname;
  const all = emulator.requests().slice(since);
  const conn = all.filter((r) => /\/connections(\/|$)/.test(r.path));
  const count = (method: string) => conn.filter((r) => r.method === method).length;
  const gets = conn.filter((r) => r.method === 'GET');
  const list = gets.filter((r) => /\/connections$/.test(r.path)).length;
  return {
    requests: all.length,
    writes: count('POST') + count('PUT') + count('DELETE'),
    posts: count('POST'),
    puts: count('PUT'),
    deletes: count('DELETE'),
    reads: gets.length,
    singleReads: gets.length - list,
    listReads: list,
    tokens: all.filter((r) => r.path === tokenPath).length,
    failed: all.filter((r) => r.status >= 400).length,
    refused: all.filter((r) => r.rateLimited).length,
    refusedWrites: conn.filter((r) => r.rateLimited && ['POST', 'PUT', 'DELETE'].includes(r.method)).length,
  };
}

export const NO_TRAFFIC: Traffic = {
  requests: 0,
  writes: 0,
  posts: 0,
  puts: 0,
  deletes: 0,
  reads: 0,
  singleReads: 0,
  listReads: 0,
  tokens: 0,
  failed: 0,
  refused: 0,
  refusedWrites: 0,
};

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
