/**
 * The Qubitro emulator's HTTP surface: the Actility webhook (`POST /integrations/actility`), the REST API v2
 * subset a delivery check needs, and a control plane (`/__qubitro/`) for tests, behind the same guard as the
 * IoT Flow emulator's.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { controlGuard } from '../control-plane';
import { MAX_BODY_BYTES, readBody, sendReply, type Reply } from '../http';
import { isPlainObject, parseJson } from '../json';
import {
  isDevEui,
  parseApiKeySeed,
  parseProjectSeed,
  parseSeed,
  SeedError,
  type QubitroStore,
} from './store';

export const WEBHOOK_PATH = '/integrations/actility';
export const API_PREFIX = '/v2';
export const QUBITRO_CONTROL_PREFIX = '/__qubitro';

/** Qubitro's documented 404 text: the API does not say whether the project is missing or not the key's. */
export const NOT_FOUND_OR_DENIED = 'not found or access denied';

const message = (status: number, text: string, headers?: Record<string, string>): Reply => ({
  status,
  headers,
  body: { message: text },
});

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The uplink's DevEUI, from the Actility `DevEUI_uplink` JSON; undefined when the body is not one. */
function devEuiOf(body: Buffer): string | undefined {
  const json = parseJson(body);
  const uplink = json.ok && isPlainObject(json.value) ? json.value.DevEUI_uplink : undefined;
  const devEui = isPlainObject(uplink) ? uplink.DevEUI : undefined;
  return isDevEui(devEui) ? devEui : undefined;
}

function webhook(method: string, headers: IncomingHttpHeaders, body: Buffer, store: QubitroStore): Reply {
  if (method !== 'POST') return message(405, `Method ${method} is not allowed`, { Allow: 'POST' });
  const result = store.receive(
    header(headers, 'projectId'),
    header(headers, 'webhookSigningKey'),
    devEuiOf(body),
  );
  const texts: Record<typeof result.outcome, string> = {
    accepted: 'ok',
    'unknown project': 'project not found',
    'wrong key': 'invalid webhook signing key',
    'missing headers': 'projectId and webhookSigningKey headers are required',
    'bad body': 'body must be an Actility DevEUI_uplink with a 16-hex-digit DevEUI',
  };
  return message(result.status, texts[result.outcome]);
}

const PROJECT_PATH = /^\/v2\/projects\/([^/]+)(\/devices)?$/;

function api(method: string, path: string, headers: IncomingHttpHeaders, store: QubitroStore): Reply {
  const bearer = /^Bearer (\S+)$/.exec(header(headers, 'authorization') ?? '');
  const key = bearer === null ? undefined : store.apiKey(bearer[1]);
  if (key === undefined) return message(401, 'unauthorized');
  if (method !== 'GET') return message(405, `Method ${method} is not allowed`, { Allow: 'GET' });
  if (path === '/v2/projects') return { status: 200, body: store.visibleProjects(key) };
  const match = PROJECT_PATH.exec(path);
  if (match === null) return message(404, 'not found');
  const project = store.visibleProject(key, match[1]);
  if (project === undefined) return message(404, NOT_FOUND_OR_DENIED);
  if (match[2] !== undefined) return { status: 200, body: project.devices };
  return { status: 200, body: { id: project.id, name: project.name } };
}

/** A control-plane call: JSON parsed, a refused seed answered 400 with its reason. */
function seeded(body: Buffer, apply: (value: unknown) => void): Reply {
  const json = parseJson(body);
  if (!json.ok) return message(400, json.message);
  try {
    apply(json.value);
  } catch (err) {
    if (err instanceof SeedError) return message(400, err.message);
    throw err;
  }
  return { status: 204 };
}

function control(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  store: QubitroStore,
): Reply {
  const refused = controlGuard(method, headers, body);
  if (refused !== undefined) return refused;
  const routes: Record<string, Record<string, () => Reply>> = {
    '/projects': {
      GET: () => ({ status: 200, body: store.listProjects() }),
      POST: () => seeded(body, (v) => store.putProject(parseProjectSeed(v, 'body'))),
    },
    '/api-keys': { POST: () => seeded(body, (v) => store.putApiKey(parseApiKeySeed(v, 'body'))) },
    '/seed': {
      POST: () =>
        seeded(body, (v) => {
          const seed = parseSeed(v, 'body');
          seed.projects.forEach((p) => store.putProject(p));
          seed.apiKeys.forEach((k) => store.putApiKey(k));
        }),
    },
    '/uplinks': { GET: () => ({ status: 200, body: store.uplinks() }) },
    '/reset': { POST: () => (store.clear(), { status: 204 }) },
  };
  const handlers = routes[path.slice(QUBITRO_CONTROL_PREFIX.length)];
  if (handlers === undefined) return message(404, `No route for ${method} ${path}`);
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  return handler
    ? handler()
    : message(405, `Method ${method} is not allowed`, { Allow: Object.keys(handlers).join(', ') });
}

export function createQubitroServer(store: QubitroStore): Server {
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').replace(/[?#].*$/s, '');
    readBody(req, MAX_BODY_BYTES)
      .then((body) => {
        if (body === undefined) return message(413, `Request body exceeds ${MAX_BODY_BYTES} bytes`);
        if (path === WEBHOOK_PATH) return webhook(method, req.headers, body, store);
        if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`))
          return api(method, path, req.headers, store);
        if (path.startsWith(`${QUBITRO_CONTROL_PREFIX}/`))
          return control(method, path, req.headers, body, store);
        return message(404, `No route for ${method} ${path}`);
      })
      .then(
        (reply) => sendReply(res, reply),
        () => (res.headersSent ? req.socket.destroy() : sendReply(res, message(500, 'emulator error'))),
      );
  });
  server.keepAliveTimeout = 120_000;
  return server;
}
