import {
  bearerError,
  handleTokenRequest,
  TOKEN_PATH,
  type ClientCredentials,
  type TokenIssuer,
} from './auth';
import {
  decodePathSegment,
  errorReply,
  methodNotAllowed,
  routeNotFound,
  type ApiRequest,
  type Reply,
} from './http';
import { maskSecrets } from './secrets';
import type { ConnectionStore } from './store';
import { parseConnectionBody } from './validation';

/** The two public surfaces of the same API; they share one store. */
export const API_PREFIXES = ['/iot-flow/v1', '/thingpark/dx/core/latest/api'] as const;

const CONNECTIONS_PATH = /^(\/iot-flow\/v1|\/thingpark\/dx\/core\/latest\/api)\/connections(?:\/([^/]+))?$/;

export interface ApiContext {
  store: ConnectionStore;
  tokens: TokenIssuer;
  credentials: ClientCredentials;
  maxConnections?: number;
}

type Handler = (req: ApiRequest) => Reply;

function notFound(id: string): Reply {
  return errorReply(404, 'com-4004', `Connection ${id} not found`);
}

function invalid(message: string): Reply {
  return errorReply(400, 'com-4000', message);
}

function collectionHandlers(prefix: string, ctx: ApiContext): Record<string, Handler> {
  return {
    GET: () => ({ status: 200, body: maskSecrets(ctx.store.list()) }),
    POST: (req) => {
      const json = req.json();
      if (!json.ok) return invalid(json.message);
      const body = parseConnectionBody(json.value);
      if (!body.ok) return invalid(body.message);
      if (ctx.maxConnections !== undefined && ctx.store.size >= ctx.maxConnections) {
        return errorReply(
          403,
          'com-4030',
          `Max connection limit reached (${ctx.maxConnections} connections allowed by the account plan)`,
        );
      }
      const connection = ctx.store.create(body.fields);
      return {
        status: 201,
        headers: { Location: `${prefix}/connections/${encodeURIComponent(connection.id)}` },
        body: maskSecrets(connection),
      };
    },
  };
}

function itemHandlers(id: string, ctx: ApiContext): Record<string, Handler> {
  return {
    GET: () => {
      const connection = ctx.store.get(id);
      return connection === undefined ? notFound(id) : { status: 200, body: maskSecrets(connection) };
    },
    PUT: (req) => {
      if (ctx.store.get(id) === undefined) return notFound(id);
      const json = req.json();
      if (!json.ok) return invalid(json.message);
      const body = parseConnectionBody(json.value);
      if (!body.ok) return invalid(body.message);
      const connection = ctx.store.replace(id, body.fields);
      return connection === undefined ? notFound(id) : { status: 200, body: maskSecrets(connection) };
    },
    DELETE: () => (ctx.store.delete(id) ? { status: 204 } : notFound(id)),
  };
}

function dispatch(
  req: ApiRequest,
  handlers: Record<string, Handler>,
  authorize: () => Reply | undefined,
): Reply {
  const handler = Object.hasOwn(handlers, req.method) ? handlers[req.method] : undefined;
  if (handler === undefined) return methodNotAllowed(req.method, Object.keys(handlers));
  return authorize() ?? handler(req);
}

/** True for the calls whose JSON body the request log keeps (fingerprinted). */
export function isConnectionWrite(method: string, path: string): boolean {
  const match = CONNECTIONS_PATH.exec(path);
  if (match === null) return false;
  return match[2] === undefined ? method === 'POST' : method === 'PUT';
}

export function handleApiRequest(req: ApiRequest, ctx: ApiContext): Reply {
  if (req.path === TOKEN_PATH) {
    return dispatch(
      req,
      { POST: () => handleTokenRequest(req, ctx.credentials, ctx.tokens) },
      () => undefined,
    );
  }
  const match = CONNECTIONS_PATH.exec(req.path);
  if (match === null) return routeNotFound(req.method, req.path);
  const [, prefix, rawId] = match;
  const handlers =
    rawId === undefined ? collectionHandlers(prefix, ctx) : itemHandlers(decodePathSegment(rawId), ctx);
  return dispatch(req, handlers, () => bearerError(req.headers, ctx.tokens));
}
