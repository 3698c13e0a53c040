/** Options shared by `startEmulator` and the CLI; validated once here so both reject the same values. */
export interface EmulatorOptions {
  /** TCP port; 0 picks any free port. Programmatic default: 0. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Account-plan limit on stored connections. Default: unlimited. */
  maxConnections?: number;
  /** JSON file that keeps the store across restarts. Default: in memory only. */
  stateFile?: string;
  /** OAuth2 client credentials accepted by the token endpoint. */
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of issued access tokens, in seconds. Default 300. */
  tokenTtlSeconds?: number;
  /** Delay added before answering every API call (not the control plane). Default 0. */
  latencyMs?: number;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  maxConnections?: number;
  stateFile?: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  latencyMs: number;
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

const ANY = Number.MAX_SAFE_INTEGER;
/** setTimeout silently clamps longer delays to 1 ms. */
export const MAX_DELAY_MS = 2_147_483_647;

export function resolveOptions(options: EmulatorOptions, defaultPort: number): ResolvedOptions {
  return {
    port: integerIn('port', options.port ?? defaultPort, 0, 65535),
    host: nonEmpty('host', options.host ?? '127.0.0.1'),
    maxConnections:
      options.maxConnections === undefined
        ? undefined
        : integerIn('maxConnections', options.maxConnections, 0, ANY),
    stateFile: options.stateFile === undefined ? undefined : nonEmpty('stateFile', options.stateFile),
    clientId: nonEmpty('clientId', options.clientId ?? 'emulator-client'),
    clientSecret: nonEmpty('clientSecret', options.clientSecret ?? 'emulator-secret'),
    tokenTtlSeconds: integerIn('tokenTtlSeconds', options.tokenTtlSeconds ?? 300, 1, ANY),
    latencyMs: integerIn('latencyMs', options.latencyMs ?? 0, 0, MAX_DELAY_MS),
  };
}
