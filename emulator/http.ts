import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { JsonResult } from './json';
import { StoreLimitError } from './store';

/** An API call with its body already read; `json()` parses once and is shared by handler and log. */
export interface ApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string, parsed. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): JsonResult;
}

/** What a handler answers; written by the server, or withheld when a fault drops the response. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; omitted for 204. */
  body?: unknown;
  /** Sent as it is instead of `body` (set `Content-Type` in `headers`). */
  text?: string;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export function errorReply(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Reply {
  return { status, headers, body: { code, message } };
}

export function methodNotAllowed(method: string, allowed: readonly string[]): Reply {
  return errorReply(405, 'com-4050', `Method ${method} is not allowed on this resource`, {
    Allow: allowed.join(', '),
  });
}

export function routeNotFound(method: string, path: string): Reply {
  return errorReply(404, 'com-4004', `No route for ${method} ${path}`);
}

/**
 * Buffers the request body; resolves `undefined` as soon as it exceeds `limit` so the 413 goes out early.
 * The rest is still drained (not buffered) so the client can finish sending and read the answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  const json = reply.body === undefined || reply.status === 204 ? undefined : JSON.stringify(reply.body);
  const payload = reply.text ?? json;
  const headers: Record<string, string | number> = { ...reply.headers };
  if (payload !== undefined) {
    if (json !== undefined || headers['Content-Type'] === undefined)
      headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(payload);
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** A malformed escape cannot name any stored id, so keeping it raw yields the right 404. */
export function decodePathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The 500 a server answers when the emulator itself fails (e.g. its state file cannot be written). */
export function emulatorError(err: unknown): Reply {
  return errorReply(500, 'com-5000', `Emulator error: ${(err as Error).message}`);
}

/**
 * A store change, answered: past a bound of the store, the 403 of the account limit; when the state file
 * could not record it (it was rolled back), the 500 a server would answer.
 */
export async function guarded(change: () => Promise<Reply>): Promise<Reply> {
  try {
    return await change();
  } catch (err) {
    if (err instanceof StoreLimitError) return errorReply(403, 'com-4030', err.message);
    return emulatorError(err);
  }
}

export function connectionNotFound(id: string): Reply {
  return errorReply(404, 'com-4004', `Connection ${id} not found`);
}
