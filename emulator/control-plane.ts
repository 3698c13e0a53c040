import type { FaultInjector } from './faults';
import { parseFaultRules } from './faults';
import { decodePathSegment, errorReply, methodNotAllowed, routeNotFound, type Reply } from './http';
import { parseJson } from './json';
import type { RequestLog } from './request-log';
import { maskSecrets } from './secrets';
import { CONNECTION_STATES, isConnectionState, type ConnectionStore } from './store';

/** Test hooks that the real API does not have: no auth, no latency, no faults, not logged. */
export const CONTROL_PREFIX = '/__emulator';

export interface ControlContext {
  store: ConnectionStore;
  faults: FaultInjector;
  log: RequestLog;
  reset(): void;
}

type Handler = (body: Buffer) => Reply;

const STATE_PATH = /^\/connections\/([^/]+)\/state$/;

function setState(id: string, body: Buffer, ctx: ControlContext): Reply {
  const json = parseJson(body);
  if (!json.ok) return errorReply(400, 'com-4000', json.message);
  const state = (json.value as { state?: unknown } | null)?.state;
  if (!isConnectionState(state)) {
    return errorReply(400, 'com-4000', `state must be one of ${CONNECTION_STATES.join(', ')}`);
  }
  const connection = ctx.store.setState(id, state);
  return connection === undefined
    ? errorReply(404, 'com-4004', `Connection ${id} not found`)
    : { status: 200, body: maskSecrets(connection) };
}

function routes(subpath: string, ctx: ControlContext): Record<string, Handler> | undefined {
  switch (subpath) {
    case '/requests':
      return { GET: () => ({ status: 200, body: ctx.log.list() }) };
    case '/reset':
      return {
        POST: () => {
          ctx.reset();
          return { status: 204 };
        },
      };
    case '/connections':
      return { GET: () => ({ status: 200, body: maskSecrets(ctx.store.list()) }) };
    case '/faults':
      return {
        POST: (body) => {
          const json = parseJson(body);
          if (!json.ok) return errorReply(400, 'com-4000', json.message);
          const parsed = parseFaultRules(json.value);
          if (!parsed.ok) return errorReply(400, 'com-4000', parsed.message);
          ctx.faults.add(parsed.rules);
          return { status: 204 };
        },
        DELETE: () => {
          ctx.faults.clear();
          return { status: 204 };
        },
      };
  }
  const state = STATE_PATH.exec(subpath);
  if (state === null) return undefined;
  return { POST: (body) => setState(decodePathSegment(state[1]), body, ctx) };
}

export function handleControlRequest(method: string, path: string, body: Buffer, ctx: ControlContext): Reply {
  const handlers = routes(path.slice(CONTROL_PREFIX.length), ctx);
  if (handlers === undefined) return routeNotFound(method, path);
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  return handler === undefined ? methodNotAllowed(method, Object.keys(handlers)) : handler(body);
}
