import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { TOKEN_PATH } from '../src/wire-format';
import { TokenIssuer } from './auth';
import { API_PREFIXES } from './connections-api';
import { FaultInjector } from './faults';
import { resolveOptions, type EmulatorOptions } from './options';
import { RateLimiter } from './rate-limit';
import { UnreachableMarks } from './reachability';
import { RequestLog, type RequestLogEntry } from './request-log';
import { createEmulatorServer } from './server';
import { ConnectionStore } from './store';
import { UplinkSender } from './uplinks';

export type { Connection, ConnectionState } from './store';
export type { FaultRule } from './faults';
export type { EmulatorOptions, RateLimitOptions, RateLimitStatus, ResolvedOptions } from './options';
export type { RequestLogEntry, RequestLogLimits } from './request-log';
export type { ConnectorSpec, KeyMatcher } from './connectors';
export { CONNECTION_STATES } from './store';
export {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_LOG_MAX_BYTES,
  DEFAULT_LOG_MAX_ENTRIES,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SETTLE_MS,
  OptionError,
} from './options';
export { COMMON_CONFIGURATION_DEFAULTS, CONNECTORS, isCredentialHeader } from './connectors';
export { MAX_JSON_DEPTH } from './json';
export { HTTP_CONNECTOR_ID, MASK, RECONNECT_STRATEGIES } from '../src/wire-format';
export { isLoopbackHost } from '../src/loopback';
export { fingerprint } from './secrets';
export type { Delivery, UplinkRequest } from './uplinks';
export {
  startQubitroEmulator,
  NOT_FOUND_OR_DENIED,
  type ApiKeySeed,
  type ProjectSeed,
  type QubitroEmulatorOptions,
  type ReceivedUplink,
  type RunningQubitroEmulator,
} from './qubitro';

export interface RunningEmulator {
  /** `http://HOST:PORT` */
  url: string;
  /** `${url}/iot-flow/v1` */
  baseUrl: string;
  /** `${url}/users-auth/protocol/openid-connect/token` */
  tokenUrl: string;
  /**
   * A bearer token for the API, from the token endpoint with the emulator's own client credentials, as a
   * client outside the engine (a script, a test, the ThingPark UI's user) would get one.
   */
  accessToken(): Promise<string>;
  /** Every API call since the last reset, as `GET /__emulator/requests` returns it. */
  requests(): RequestLogEntry[];
  /**
   * Empties the store, the request log, the fault rules, the unreachable marks and the uplink deliveries at once; tokens stay
   * valid. Resolves once the empty store is in the state file.
   */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the emulator; rejects on invalid options, an unreadable state file or a port in use. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options, 0);
  const unreachable = new UnreachableMarks();
  const store = await ConnectionStore.open({
    stateFile: resolved.stateFile,
    settleMs: resolved.settleMs,
    isUnreachable: (connection) => unreachable.has(connection),
    maxConnections: resolved.maxConnections,
    maxBytes: resolved.maxStoreBytes,
  });
  const faults = new FaultInjector();
  const log = new RequestLog({
    maxEntries: resolved.requestLogMaxEntries,
    maxBytes: resolved.requestLogMaxBytes,
  });
  const rateLimiter = resolved.rateLimit === undefined ? undefined : new RateLimiter(resolved.rateLimit);
  const closing = new AbortController();
  // Every call waiting out its latency listens to this one signal: many at once is normal, not a leak.
  setMaxListeners(0, closing.signal);
  const uplinks = new UplinkSender(store, resolved.routes, closing.signal);
  const reset = (): Promise<void> => {
    log.clear();
    uplinks.clear();
    faults.clear();
    unreachable.clear();
    rateLimiter?.clear();
    return store.clear();
  };
  const server = createEmulatorServer({
    store,
    tokens: new TokenIssuer(resolved.tokenTtlSeconds),
    credentials: { clientId: resolved.clientId, clientSecret: resolved.clientSecret },
    pageSize: resolved.pageSize,
    serverDefaults: resolved.serverDefaults,
    unreachable,
    rateLimiter,
    faults,
    log,
    latencyMs: resolved.latencyMs,
    signal: closing.signal,
    reset,
    uplinks,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let closed: Promise<void> | undefined;
  const url = `http://${hostForUrl(resolved.host)}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseUrl: `${url}${API_PREFIXES[0]}`,
    tokenUrl: `${url}${TOKEN_PATH}`,
    accessToken: async () => {
      const res = await fetch(`${url}${TOKEN_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: resolved.clientId,
          client_secret: resolved.clientSecret,
        }),
      });
      if (!res.ok) throw new Error(`the emulator's token endpoint answered ${res.status}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    requests: () => log.list(),
    reset,
    // The state file then holds every change acknowledged, and nothing is written after close.
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }).then(() => store.flushed())),
  };
}
