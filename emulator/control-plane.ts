import type { IncomingHttpHeaders } from 'node:http';
import { presentConnection } from './connections-api';
import type { FaultInjector } from './faults';
import { parseFaultRules } from './faults';
import {
  connectionNotFound,
  decodePathSegment,
  errorReply,
  guarded,
  methodNotAllowed,
  routeNotFound,
  type Reply,
} from './http';
import { isPlainObject, parseJson } from './json';
import type { UnreachableMarks } from './reachability';
import type { RequestLog } from './request-log';
import { CONNECTION_STATES, isConnectionState, type ConnectionStore } from './store';
import type { UplinkSender } from './uplinks';

/** Test hooks that the real API does not have: no auth, no latency, no faults, not logged. */
export const CONTROL_PREFIX = '/__emulator';

export interface ControlContext {
  store: ConnectionStore;
  faults: FaultInjector;
  log: RequestLog;
  unreachable: UnreachableMarks;
  /** Whether reads add the server-side defaults (the control plane shows connections as the API does). */
  serverDefaults: boolean;
  /** Resolves once the emptied store is on disk. */
  reset(): Promise<void>;
  uplinks: UplinkSender;
}

type Handler = (body: Buffer) => Reply | Promise<Reply>;

const STATE_PATH = /^\/connections\/([^/]+)\/state$/;
const UPLINKS_PATH = /^\/connections\/([^/]+)\/uplinks$/;

function setState(id: string, body: Buffer, ctx: ControlContext): Reply | Promise<Reply> {
  const json = parseJson(body);
  if (!json.ok) return errorReply(400, 'com-4000', json.message);
  const state = (json.value as { state?: unknown } | null)?.state;
  if (!isConnectionState(state)) {
    return errorReply(400, 'com-4000', `state must be one of ${CONNECTION_STATES.join(', ')}`);
  }
  return guarded(async () => {
    const connection = await ctx.store.setState(id, state);
    return connection === undefined
      ? connectionNotFound(id)
      : { status: 200, body: presentConnection(connection, ctx.serverDefaults) };
  });
}

/**
 * `{"destinationURL": "…"}` and/or `{"id": "…"}`; `"reachable": true` lifts the mark. `"state": "UNREACHABLE"`
 * may be sent too (it is what marking means) but no other state.
 */
function markUnreachable(body: Buffer, ctx: ControlContext): Reply {
  const json = parseJson(body);
  if (!json.ok) return errorReply(400, 'com-4000', json.message);
  const value = json.value;
  const usage =
    'body must be {"destinationURL": string} and/or {"id": string}, with optional "reachable": boolean';
  const keys = ['destinationURL', 'id', 'reachable', 'state'];
  if (!isPlainObject(value) || Object.keys(value).some((key) => !keys.includes(key))) {
    return errorReply(400, 'com-4000', usage);
  }
  const { destinationURL, id, reachable, state } = value;
  const valid =
    (destinationURL === undefined || (typeof destinationURL === 'string' && destinationURL !== '')) &&
    (id === undefined || (typeof id === 'string' && id !== '')) &&
    (destinationURL !== undefined || id !== undefined) &&
    (reachable === undefined || typeof reachable === 'boolean') &&
    (state === undefined || (state === 'UNREACHABLE' && reachable !== true));
  if (!valid) return errorReply(400, 'com-4000', usage);
  ctx.unreachable.mark(
    { destinationURL: destinationURL as string | undefined, id: id as string | undefined },
    reachable !== true,
  );
  return { status: 200, body: ctx.unreachable.list() };
}

function routes(subpath: string, ctx: ControlContext): Record<string, Handler> | undefined {
  switch (subpath) {
    case '/requests':
      return { GET: () => ({ status: 200, body: ctx.log.list() }) };
    case '/reset':
      return { POST: () => guarded(async () => (await ctx.reset(), { status: 204 })) };
    case '/connections':
      return {
        GET: () => ({
          status: 200,
          body: ctx.store.list().map((c) => presentConnection(c, ctx.serverDefaults)),
        }),
      };
    case '/unreachable':
      return {
        GET: () => ({ status: 200, body: ctx.unreachable.list() }),
        POST: (body) => markUnreachable(body, ctx),
        DELETE: () => {
          ctx.unreachable.clear();
          return { status: 204 };
        },
      };
    case '/uplinks':
      return {
        GET: () => ({ status: 200, body: ctx.uplinks.list() }),
        POST: (body) => ctx.uplinks.handle(body),
      };
    case '/faults':
      return {
        POST: (body) => {
          const json = parseJson(body);
          if (!json.ok) return errorReply(400, 'com-4000', json.message);
          const parsed = parseFaultRules(json.value);
          if (!parsed.ok) return errorReply(400, 'com-4000', parsed.message);
          const refused = ctx.faults.add(parsed.rules);
          return refused === undefined ? { status: 204 } : errorReply(400, 'com-4000', refused);
        },
        DELETE: () => {
          ctx.faults.clear();
          return { status: 204 };
        },
      };
  }
  const uplinks = UPLINKS_PATH.exec(subpath);
  if (uplinks !== null) {
    return { GET: () => ({ status: 200, body: ctx.uplinks.list(decodePathSegment(uplinks[1])) }) };
  }
  const state = STATE_PATH.exec(subpath);
  if (state === null) return undefined;
  return { POST: (body) => setState(decodePathSegment(state[1]), body, ctx) };
}

/**
 * The control plane has no auth, so a web page must never reach it: a browser marks its calls with
 * `Origin` (all cross-origin and all POST calls) or `Sec-Fetch-Site`, and can only send a body without a
 * preflight as form or text content. `undefined` when the call may proceed, else the refusal.
 */
export function controlGuard(method: string, headers: IncomingHttpHeaders, body: Buffer): Reply | undefined {
  const fetchSite = headers['sec-fetch-site'];
  if (headers.origin !== undefined || (fetchSite !== undefined && fetchSite !== 'none')) {
    return errorReply(403, 'com-4030', 'The emulator control plane refuses calls from web pages');
  }
  const contentType = headers['content-type'];
  if (
    method !== 'GET' &&
    method !== 'HEAD' &&
    (contentType !== undefined || body.length > 0) &&
    !/^application\/json\s*(;|$)/i.test(contentType ?? '')
  ) {
    return errorReply(415, 'com-4150', 'The emulator control plane takes only application/json bodies');
  }
  return undefined;
}

export function handleControlRequest(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  ctx: ControlContext,
): Reply | Promise<Reply> {
  const refused = controlGuard(method, headers, body);
  if (refused !== undefined) return refused;
  const handlers = routes(path.slice(CONTROL_PREFIX.length), ctx);
  if (handlers === undefined) return routeNotFound(method, path);
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  return handler === undefined ? methodNotAllowed(method, Object.keys(handlers)) : handler(body);
}
