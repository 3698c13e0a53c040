import { bearerError, type TokenIssuer } from './auth';
import { CONNECTORS, describeConnector, findConnector, withServerDefaults } from './connectors';
import {
  connectionNotFound,
  decodePathSegment,
  errorReply,
  guarded,
  methodNotAllowed,
  routeNotFound,
  type ApiRequest,
  type Reply,
} from './http';
import { maskSecrets } from './secrets';
import type { Connection, ConnectionStore } from './store';
import { parseConnectionBody } from './validation';

/** The two public surfaces of the same API; they share one store. */
export const API_PREFIXES = ['/iot-flow/v1', '/thingpark/dx/core/latest/api'] as const;

const API_PATH =
  /^(\/iot-flow\/v1|\/thingpark\/dx\/core\/latest\/api)\/(connections|connectors)(?:\/([^/]+))?$/;

export interface ApiContext {
  store: ConnectionStore;
  tokens: TokenIssuer;
  /** Connections per page of `GET /connections`. */
  pageSize: number;
  /** Add the server-side defaults to reads. */
  serverDefaults: boolean;
}

type Handler = (req: ApiRequest) => Reply | Promise<Reply>;

function invalid(message: string): Reply {
  return errorReply(400, 'com-4000', message);
}

/** A connection as every read shows it: defaults added (unless turned off), then secrets masked. */
export function presentConnection(connection: Connection, serverDefaults: boolean): Connection {
  return maskSecrets(serverDefaults ? withServerDefaults(connection) : connection);
}

function present(connection: Connection, ctx: ApiContext): Connection {
  return presentConnection(connection, ctx.serverDefaults);
}

/** `pageIndex` as a 1-based page number, or the 400 to answer. Absent means the first page. */
function pageIndex(query: URLSearchParams): number | Reply {
  const raw = query.get('pageIndex');
  if (raw === null) return 1;
  const index = /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(index)
    ? index
    : invalid('pageIndex must be a positive integer (1 is the first page)');
}

function collectionHandlers(ctx: ApiContext): Record<string, Handler> {
  return {
    GET: (req) => {
      const index = pageIndex(req.query);
      if (typeof index !== 'number') return index;
      const start = (index - 1) * ctx.pageSize;
      const page = ctx.store.list().slice(start, start + ctx.pageSize);
      return { status: 200, body: page.map((connection) => present(connection, ctx)) };
    },
    POST: (req) => {
      const json = req.json();
      if (!json.ok) return invalid(json.message);
      const body = parseConnectionBody(json.value);
      if (!body.ok) return invalid(body.message);
      return guarded(async () => {
        const connection = await ctx.store.create(body.fields);
        return {
          status: 201,
          headers: { Location: `/connections/${encodeURIComponent(connection.id)}` },
          body: present(connection, ctx),
        };
      });
    },
  };
}

function itemHandlers(id: string, ctx: ApiContext): Record<string, Handler> {
  return {
    GET: () => {
      const connection = ctx.store.get(id);
      return connection === undefined
        ? connectionNotFound(id)
        : { status: 200, body: present(connection, ctx) };
    },
    PUT: (req) => {
      if (ctx.store.get(id) === undefined) return connectionNotFound(id);
      const json = req.json();
      if (!json.ok) return invalid(json.message);
      const body = parseConnectionBody(json.value);
      if (!body.ok) return invalid(body.message);
      return guarded(async () => {
        const connection = await ctx.store.replace(id, body.fields);
        return connection === undefined
          ? connectionNotFound(id)
          : { status: 200, body: present(connection, ctx) };
      });
    },
    DELETE: () =>
      guarded(async () => ((await ctx.store.delete(id)) ? { status: 204 } : connectionNotFound(id))),
  };
}

function connectorHandlers(id: string | undefined): Record<string, Handler> {
  if (id === undefined) return { GET: () => ({ status: 200, body: CONNECTORS.map(describeConnector) }) };
  return {
    GET: () => {
      const spec = findConnector(id);
      return spec === undefined
        ? errorReply(404, 'com-4004', `Connector ${id} not found`)
        : { status: 200, body: describeConnector(spec) };
    },
  };
}

function dispatch(
  req: ApiRequest,
  handlers: Record<string, Handler>,
  authorize: () => Reply | undefined,
): Reply | Promise<Reply> {
  const handler = Object.hasOwn(handlers, req.method) ? handlers[req.method] : undefined;
  if (handler === undefined) return methodNotAllowed(req.method, Object.keys(handlers));
  return authorize() ?? handler(req);
}

/** True for the calls whose JSON body the request log keeps (fingerprinted). */
export function isConnectionWrite(method: string, path: string): boolean {
  const match = API_PATH.exec(path);
  if (match === null || match[2] !== 'connections') return false;
  return match[3] === undefined ? method === 'POST' : method === 'PUT';
}

/** The rate-limit category of an API path (`connections`, `connectors`), or undefined when not limited. */
export function rateLimitCategory(path: string): string | undefined {
  return API_PATH.exec(path)?.[2];
}

export function handleApiRequest(req: ApiRequest, ctx: ApiContext): Reply | Promise<Reply> {
  const match = API_PATH.exec(req.path);
  if (match === null) return routeNotFound(req.method, req.path);
  const [, , resource, rawId] = match;
  const id = rawId === undefined ? undefined : decodePathSegment(rawId);
  const handlers =
    resource === 'connectors'
      ? connectorHandlers(id)
      : id === undefined
        ? collectionHandlers(ctx)
        : itemHandlers(id, ctx);
  return dispatch(req, handlers, () => bearerError(req.headers, ctx.tokens));
}
