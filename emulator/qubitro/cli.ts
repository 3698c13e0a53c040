#!/usr/bin/env node
/** qubitro-emulator: the Qubitro webhook and REST API v2 subset on loopback, for delivery checks. */
import { parseArgs } from 'node:util';
import { isLoopbackHost } from '../../src/loopback';
import { QUBITRO_CONTROL_PREFIX, startQubitroEmulator } from './index';

const DEFAULT_PORT = 8788;

const USAGE = `Usage: qubitro-emulator [--port N] [--host HOST] [--seed FILE]

Local emulator of Qubitro's receiving side. With the defaults it serves
  the Actility webhook  http://127.0.0.1:${DEFAULT_PORT}/integrations/actility
  the REST API v2       http://127.0.0.1:${DEFAULT_PORT}/v2/projects/{id}[/devices]
  its control plane     http://127.0.0.1:${DEFAULT_PORT}${QUBITRO_CONTROL_PREFIX}/

Options:
  --port N       TCP port; 0 picks a free one (default ${DEFAULT_PORT})
  --host HOST    interface to bind (default 127.0.0.1)
  --seed FILE    JSON {"projects": [{"id", "name"?, "signingKey"}],
                 "apiKeys": [{"key": "QB_...", "projects"?: [id, ...]}]}
  -h, --help     show this help
`;

function fail(code: number, text: string): never {
  process.stderr.write(`qubitro-emulator: ${text}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    fail(2, `${(err as Error).message}\nTry --help.`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const rawPort = values.port ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535)
    fail(2, `--port must be an integer from 0 to 65535 (got "${rawPort}")\nTry --help.`);
  const host = values.host ?? '127.0.0.1';
  const emulator = await startQubitroEmulator({ port: Number(rawPort), host, seedFile: values.seed });
  if (!isLoopbackHost(host)) {
    process.stderr.write(
      `qubitro-emulator: warning: listening on ${host}, which is not a loopback address: anyone who can reach ` +
        'it can use the control plane (no auth)\n',
    );
  }
  const shutdown = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (err: Error) => fail(1, err.message),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  process.stdout.write(
    `listening on ${emulator.url} (webhook ${emulator.webhookUrl}, API ${emulator.apiUrl}/v2)\n`,
  );
}

main().catch((err: Error) => fail(1, err.message));
