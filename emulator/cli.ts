#!/usr/bin/env node
import { parseArgs } from 'node:util';
import {
  isLoopbackHost,
  OptionError,
  startEmulator,
  type EmulatorOptions,
  type RateLimitStatus,
  type RunningEmulator,
} from './index';
import { TOKEN_PATH } from '../src/wire-format';
import { API_PREFIXES } from './connections-api';
import { CONTROL_PREFIX } from './control-plane';
import { parseRouteFlag } from './uplinks';

const DEFAULT_PORT = 8787;
const DEFAULT_ORIGIN = `http://127.0.0.1:${DEFAULT_PORT}`;

const USAGE = `Usage: iotflow-emulator [options]

Local emulator of the ThingPark X IoT Flow Connections API. With the defaults it serves
  the API (base URL)    ${DEFAULT_ORIGIN}${API_PREFIXES[0]}
  OAuth2 tokens         ${DEFAULT_ORIGIN}${TOKEN_PATH}
  its control plane     ${DEFAULT_ORIGIN}${CONTROL_PREFIX}/
and prints the URLs it listens on when it has started.

Options:
  --port N              TCP port; 0 picks a free one (default ${DEFAULT_PORT})
  --host HOST           interface to bind (default 127.0.0.1)
  --max-connections N   account-plan connection limit (default 10000)
  --max-store-bytes N   bound on the stored connections' JSON size, so on the
                        state file (default 67108864)
  --state-file FILE     keep connections across restarts (default in memory)
  --client-id ID        OAuth2 client id (default emulator-client)
  --client-secret S     OAuth2 client secret (default emulator-secret)
  --token-ttl SECONDS   access token lifetime (default 300)
  --latency-ms N        delay before every API response (default 0)
  --page-size N         connections per page of GET /connections (default 100)
  --settle-ms N         time a created or replaced connection takes to settle
                        (CLOSED, OPENING, then OPENED; default 300; 0 = at once)
  --rate-limit N        API calls per second, NGINX leaky bucket per endpoint
                        category (default off)
  --rate-burst B        calls allowed in a burst (default: the rate)
  --rate-limit-status S 503 (NGINX default, no Retry-After) or 429 (with
                        Retry-After) (default 503)
  --no-server-defaults  do not add server-side defaults (active,
                        configuration.createDevices, ...) to reads
  --log-max-entries N   request log entries kept (default 10000)
  --log-max-bytes N     request log size kept, in bytes (default 16777216)
  --route HOST=URL      send simulated uplinks for destination HOST to the local
                        receiver URL (e.g. webhook.qubitro.com=http://127.0.0.1:8788);
                        repeatable; the connections' URLs stay as they are
  -h, --help            show this help
`;

/** The flag behind each option, so range errors from `startEmulator` name what the user typed. */
const FLAGS: Record<keyof EmulatorOptions, string> = {
  port: '--port',
  host: '--host',
  maxConnections: '--max-connections',
  maxStoreBytes: '--max-store-bytes',
  stateFile: '--state-file',
  clientId: '--client-id',
  clientSecret: '--client-secret',
  tokenTtlSeconds: '--token-ttl',
  latencyMs: '--latency-ms',
  pageSize: '--page-size',
  settleMs: '--settle-ms',
  rateLimit: '--rate-limit',
  rateBurst: '--rate-burst',
  rateLimitStatus: '--rate-limit-status',
  serverDefaults: '--no-server-defaults',
  requestLogMaxEntries: '--log-max-entries',
  requestLogMaxBytes: '--log-max-bytes',
  routes: '--route',
};

class UsageError extends Error {}

function integer(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} must be a non-negative integer (got "${raw}")`);
  return Number(raw);
}

function routeFlags(raw: string[] | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  try {
    return Object.fromEntries(raw.map(parseRouteFlag));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parseOptions(args: string[]): EmulatorOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'max-connections': { type: 'string' },
        'max-store-bytes': { type: 'string' },
        'state-file': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'token-ttl': { type: 'string' },
        'latency-ms': { type: 'string' },
        'page-size': { type: 'string' },
        'settle-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        'rate-burst': { type: 'string' },
        'rate-limit-status': { type: 'string' },
        'no-server-defaults': { type: 'boolean' },
        'log-max-entries': { type: 'string' },
        'log-max-bytes': { type: 'string' },
        route: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  return {
    port: integer(FLAGS.port, values.port) ?? DEFAULT_PORT,
    host: values.host,
    maxConnections: integer(FLAGS.maxConnections, values['max-connections']),
    maxStoreBytes: integer(FLAGS.maxStoreBytes, values['max-store-bytes']),
    stateFile: values['state-file'],
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    tokenTtlSeconds: integer(FLAGS.tokenTtlSeconds, values['token-ttl']),
    latencyMs: integer(FLAGS.latencyMs, values['latency-ms']),
    pageSize: integer(FLAGS.pageSize, values['page-size']),
    settleMs: integer(FLAGS.settleMs, values['settle-ms']),
    rateLimit: integer(FLAGS.rateLimit, values['rate-limit']),
    rateBurst: integer(FLAGS.rateBurst, values['rate-burst']),
    rateLimitStatus: integer(FLAGS.rateLimitStatus, values['rate-limit-status']) as
      RateLimitStatus | undefined,
    serverDefaults: values['no-server-defaults'] ? false : undefined,
    requestLogMaxEntries: integer(FLAGS.requestLogMaxEntries, values['log-max-entries']),
    requestLogMaxBytes: integer(FLAGS.requestLogMaxBytes, values['log-max-bytes']),
    routes: routeFlags(values.route),
  };
}

function failUsage(message: string): never {
  process.stderr.write(`iotflow-emulator: ${message}\nTry --help.\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let options: EmulatorOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) failUsage(err.message);
    throw err;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }

  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    if (err instanceof OptionError) failUsage(`${FLAGS[err.option]} ${err.reason}`);
    throw err;
  }
  if (!isLoopbackHost(options.host ?? '127.0.0.1')) {
    process.stderr.write(
      `iotflow-emulator: warning: listening on ${options.host}, which is not a loopback address: anyone who ` +
        'can reach it can use the control plane (no auth) and read the request log\n',
    );
  }
  const running = emulator;
  const shutdown = (): void => {
    running.close().then(() => process.exit(0), fail);
  };
  // Handlers first: whoever reads the line below may signal at once.
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  process.stdout.write(
    `listening on ${emulator.url} (API base URL ${emulator.baseUrl})\ntoken URL ${emulator.tokenUrl}\n`,
  );
}

function fail(err: unknown): never {
  process.stderr.write(`iotflow-emulator: ${(err as Error).message}\n`);
  process.exit(1);
}

main().catch(fail);
