import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TOKEN_PATH } from '../src/wire-format';
import { bearerError, handleTokenRequest, type ClientCredentials } from './auth';
import { handleApiRequest, isConnectionWrite, rateLimitCategory, type ApiContext } from './connections-api';
import { CONTROL_PREFIX, handleControlRequest, type ControlContext } from './control-plane';
import { faultReply, type FaultInjector } from './faults';
import {
  emulatorError,
  errorReply,
  MAX_BODY_BYTES,
  readBody,
  sendReply,
  type ApiRequest,
  type Reply,
} from './http';
import { parseJson, type JsonResult } from './json';
import type { RateLimiter } from './rate-limit';
import type { RequestLog } from './request-log';
import { fingerprintSecrets } from './secrets';

export interface ServerContext extends ApiContext, ControlContext {
  credentials: ClientCredentials;
  faults: FaultInjector;
  log: RequestLog;
  latencyMs: number;
  /** Absent when rate limiting is off. */
  rateLimiter?: RateLimiter;
  /** Aborted on close so pending latency and fault delays do not hold the process open. */
  signal: AbortSignal;
}

const TOO_LARGE = errorReply(413, 'com-4130', `Request body exceeds ${MAX_BODY_BYTES} bytes`);

async function serveApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: Target,
  ctx: ServerContext,
): Promise<void> {
  const at = new Date().toISOString();
  const method = req.method ?? 'GET';
  const path = url.pathname;
  // NGINX sits in front of the API: a refused call never reaches latency, faults or the application.
  const category = rateLimitCategory(path);
  const limited = category === undefined ? undefined : ctx.rateLimiter?.take(category);
  if (limited !== undefined) {
    await readBody(req, MAX_BODY_BYTES);
    ctx.log.record({ method, path, status: limited.status, at, rateLimited: true });
    sendReply(res, limited);
    return;
  }

  const fault = ctx.faults.take(method, path);
  const delay = ctx.latencyMs + (fault?.delayMs ?? 0);
  if (delay > 0) await sleep(delay, undefined, { signal: ctx.signal });

  const body = await readBody(req, MAX_BODY_BYTES);
  let json: JsonResult | undefined;
  const request: ApiRequest = {
    method,
    path,
    query: url.searchParams,
    headers: req.headers,
    body: body ?? Buffer.alloc(0),
    json: () => (json ??= parseJson(request.body)),
  };

  let reply: Reply;
  if (body === undefined) reply = TOO_LARGE;
  else if (fault?.status !== undefined) reply = faultReply(fault.status, fault.retryAfter);
  else if (path === TOKEN_PATH) reply = handleTokenRequest(request, ctx.credentials, ctx.tokens);
  else reply = await handleApiRequest(request, ctx);

  // Only an authenticated caller's body is kept: anyone can send a 401 call, and the log is in memory.
  const logBody =
    body !== undefined &&
    isConnectionWrite(method, path) &&
    bearerError(req.headers, ctx.tokens) === undefined;
  const parsed = logBody ? request.json() : undefined;
  ctx.log.record({
    method,
    path,
    status: reply.status,
    at,
    ...(parsed?.ok && { body: fingerprintSecrets(parsed.value) }),
    ...(fault && { fault: true }),
    ...(fault?.dropAfterCommit && { dropped: true }),
  });

  if (fault?.dropAfterCommit) req.socket.destroy();
  else sendReply(res, reply);
}

async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: Target,
  ctx: ServerContext,
): Promise<void> {
  const body = await readBody(req, MAX_BODY_BYTES);
  const method = req.method ?? 'GET';
  sendReply(
    res,
    body === undefined ? TOO_LARGE : await handleControlRequest(method, url.pathname, req.headers, body, ctx),
  );
}

interface Target {
  /** The path as sent, without query string or fragment (not normalised). */
  pathname: string;
  searchParams: URLSearchParams;
}

function requestTarget(raw: string | undefined): Target {
  const target = raw ?? '/';
  const query = /\?([^#]*)/s.exec(target);
  return {
    pathname: target.replace(/[?#].*$/s, ''),
    searchParams: new URLSearchParams(query?.[1] ?? ''),
  };
}

export function createEmulatorServer(ctx: ServerContext): Server {
  const server = createServer((req, res) => {
    const url = requestTarget(req.url);
    const path = url.pathname;
    const isControl = path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
    const serve = isControl ? serveControl : serveApi;
    serve(req, res, url, ctx).catch((err: unknown) => {
      if (ctx.signal.aborted) {
        req.socket.destroy();
        return;
      }
      if (res.headersSent) return;
      sendReply(res, emulatorError(err));
    });
  });
  // Outlive typical client idle-connection timeouts, so a client never reuses a socket we just closed.
  server.keepAliveTimeout = 120_000;
  return server;
}
