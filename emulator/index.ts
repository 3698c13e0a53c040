import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { TOKEN_PATH, TokenIssuer } from './auth';
import { API_PREFIXES } from './connections-api';
import { FaultInjector } from './faults';
import { resolveOptions, type EmulatorOptions } from './options';
import { RequestLog, type RequestLogEntry } from './request-log';
import { createEmulatorServer } from './server';
import { ConnectionStore } from './store';

export type { Connection, ConnectionState } from './store';
export type { FaultRule } from './faults';
export type { EmulatorOptions } from './options';
export type { RequestLogEntry } from './request-log';
export { CONNECTION_STATES } from './store';
export { OptionError } from './options';
export { fingerprint, MASK } from './secrets';

export interface RunningEmulator {
  /** `http://HOST:PORT` */
  url: string;
  /** `${url}/iot-flow/v1` */
  baseUrl: string;
  /** `${url}/users-auth/protocol/openid-connect/token` */
  tokenUrl: string;
  /** Every API call since the last reset, as `GET /__emulator/requests` returns it. */
  requests(): RequestLogEntry[];
  /** Empties the store, the request log and the fault rules; issued tokens stay valid. */
  reset(): void;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the emulator; rejects on invalid options, an unreadable state file or a port in use. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options, 0);
  const store = new ConnectionStore(resolved.stateFile);
  const faults = new FaultInjector();
  const log = new RequestLog();
  const closing = new AbortController();
  // Every call waiting out its latency listens to this one signal: many at once is normal, not a leak.
  setMaxListeners(0, closing.signal);
  const reset = (): void => {
    store.clear();
    log.clear();
    faults.clear();
  };
  const server = createEmulatorServer({
    store,
    tokens: new TokenIssuer(resolved.tokenTtlSeconds),
    credentials: { clientId: resolved.clientId, clientSecret: resolved.clientSecret },
    maxConnections: resolved.maxConnections,
    faults,
    log,
    latencyMs: resolved.latencyMs,
    signal: closing.signal,
    reset,
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
    requests: () => log.list(),
    reset,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
  };
}
