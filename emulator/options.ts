import { resolveRoutes } from './uplinks';

/** Options shared by `startEmulator` and the CLI; validated once here so both reject the same values. */
export interface EmulatorOptions {
  /** TCP port; 0 picks any free port. Programmatic default: 0. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Account-plan limit on stored connections. Default 10,000. */
  maxConnections?: number;
  /** Bound on the stored connections' total JSON size, so on memory and the state file. Default 64 MiB. */
  maxStoreBytes?: number;
  /** JSON file that keeps the store across restarts. Default: in memory only. */
  stateFile?: string;
  /** OAuth2 client credentials accepted by the token endpoint. */
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of issued access tokens, in seconds. Default 300. */
  tokenTtlSeconds?: number;
  /** Delay added before answering every API call (not the control plane). Default 0. */
  latencyMs?: number;
  /** Connections per page of `GET /connections`. Default 100, like the real API. */
  pageSize?: number;
  /**
   * How long a created or replaced connection takes to reach its final state: CLOSED for the first third,
   * OPENING for the second, then OPENED (DEACTIVATED when inactive, CLOSED when unreachable).
   * Default 300; 0 = the final state at once.
   */
  settleMs?: number;
  /** API calls per second allowed (leaky bucket, per endpoint category). Default: off. */
  rateLimit?: number;
  /** Calls allowed in a burst above the rate. Default: `rateLimit`. Needs `rateLimit`. */
  rateBurst?: number;
  /** Status of a rate-limited call: 503 (NGINX default, no `Retry-After`) or 429 (with `Retry-After`). Default 503. */
  rateLimitStatus?: RateLimitStatus;
  /** Add the server-side defaults (`active`, `configuration.createDevices`, …) to every read. Default true. */
  serverDefaults?: boolean;
  /** Request log bound: entries kept (oldest dropped first). Default 10,000. */
  requestLogMaxEntries?: number;
  /** Request log bound: total bytes of the entries as JSON (oldest dropped first). Default 16 MiB. */
  requestLogMaxBytes?: number;
  /**
   * Where simulated uplinks go: destination host (`webhook.qubitro.com`) → local receiver origin
   * (`http://127.0.0.1:8788`). Default: none (only loopback destinations are sent to).
   */
  routes?: Record<string, string>;
}

export type RateLimitStatus = 429 | 503;

export interface RateLimitOptions {
  /** Calls per second. */
  rate: number;
  burst: number;
  status: RateLimitStatus;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  maxConnections: number;
  maxStoreBytes: number;
  stateFile?: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  latencyMs: number;
  pageSize: number;
  settleMs: number;
  rateLimit?: RateLimitOptions;
  serverDefaults: boolean;
  requestLogMaxEntries: number;
  requestLogMaxBytes: number;
  routes: Map<string, string>;
}

export class OptionError extends Error {
  constructor(
    readonly option: keyof EmulatorOptions,
    readonly reason: string,
  ) {
    super(`Invalid option ${option}: ${reason}`);
    this.name = 'OptionError';
  }
}

function integerIn(option: keyof EmulatorOptions, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new OptionError(option, `must be an integer ${range}`);
  }
  return value;
}

function nonEmpty(option: keyof EmulatorOptions, value: string): string {
  if (typeof value !== 'string' || value === '') throw new OptionError(option, 'must be a non-empty string');
  return value;
}

function boolean(option: keyof EmulatorOptions, value: boolean): boolean {
  if (typeof value !== 'boolean') throw new OptionError(option, 'must be a boolean');
  return value;
}

const ANY = Number.MAX_SAFE_INTEGER;
/** setTimeout silently clamps longer delays to 1 ms. */
export const MAX_DELAY_MS = 2_147_483_647;

/** The OAuth2 client the emulator accepts unless told otherwise: throwaway credentials, never a real one. */
export const DEFAULT_CLIENT_ID = 'emulator-client';
export const DEFAULT_CLIENT_SECRET = 'emulator-secret';
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const DEFAULT_MAX_STORE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_SETTLE_MS = 300;
export const DEFAULT_LOG_MAX_ENTRIES = 10_000;
export const DEFAULT_LOG_MAX_BYTES = 16 * 1024 * 1024;

function rateLimit(options: EmulatorOptions): RateLimitOptions | undefined {
  if (options.rateLimit === undefined) {
    if (options.rateBurst !== undefined) throw new OptionError('rateBurst', 'needs rateLimit');
    if (options.rateLimitStatus !== undefined) throw new OptionError('rateLimitStatus', 'needs rateLimit');
    return undefined;
  }
  const rate = integerIn('rateLimit', options.rateLimit, 1, 1_000_000);
  const status = options.rateLimitStatus ?? 503;
  if (status !== 503 && status !== 429) throw new OptionError('rateLimitStatus', 'must be 503 or 429');
  return { rate, burst: integerIn('rateBurst', options.rateBurst ?? rate, 1, 1_000_000), status };
}

function routes(options: EmulatorOptions): Map<string, string> {
  try {
    return resolveRoutes(options.routes);
  } catch (err) {
    throw new OptionError('routes', (err as Error).message);
  }
}

export function resolveOptions(options: EmulatorOptions, defaultPort: number): ResolvedOptions {
  return {
    port: integerIn('port', options.port ?? defaultPort, 0, 65535),
    host: nonEmpty('host', options.host ?? '127.0.0.1'),
    maxConnections: integerIn('maxConnections', options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 0, ANY),
    maxStoreBytes: integerIn('maxStoreBytes', options.maxStoreBytes ?? DEFAULT_MAX_STORE_BYTES, 1024, ANY),
    stateFile: options.stateFile === undefined ? undefined : nonEmpty('stateFile', options.stateFile),
    clientId: nonEmpty('clientId', options.clientId ?? DEFAULT_CLIENT_ID),
    clientSecret: nonEmpty('clientSecret', options.clientSecret ?? DEFAULT_CLIENT_SECRET),
    tokenTtlSeconds: integerIn('tokenTtlSeconds', options.tokenTtlSeconds ?? 300, 1, ANY),
    latencyMs: integerIn('latencyMs', options.latencyMs ?? 0, 0, MAX_DELAY_MS),
    pageSize: integerIn('pageSize', options.pageSize ?? DEFAULT_PAGE_SIZE, 1, 100_000),
    settleMs: integerIn('settleMs', options.settleMs ?? DEFAULT_SETTLE_MS, 0, MAX_DELAY_MS),
    rateLimit: rateLimit(options),
    serverDefaults: boolean('serverDefaults', options.serverDefaults ?? true),
    requestLogMaxEntries: integerIn(
      'requestLogMaxEntries',
      options.requestLogMaxEntries ?? DEFAULT_LOG_MAX_ENTRIES,
      1,
      10_000_000,
    ),
    requestLogMaxBytes: integerIn(
      'requestLogMaxBytes',
      options.requestLogMaxBytes ?? DEFAULT_LOG_MAX_BYTES,
      1024,
      ANY,
    ),
    routes: routes(options),
  };
}
