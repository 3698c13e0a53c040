#!/usr/bin/env node
/**
 * `qubitro-engine`: builds and locates the deployment engine (OpenTofu and the `iotflow` provider) from any
 * project that depends on this package.
 *
 *   eval "$(npx qubitro-engine install)"   build what is missing (progress on stderr), then export PATH,
 *                                          TF_CLI_CONFIG_FILE, TERRAFORM_BINARY_NAME, TF_INPUT, …
 *   npx qubitro-engine --check             say what is installed and what is missing (exit 1 if anything is)
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { engineStatus, exportLines, installEngine, RESTFUL_PROVIDER } from './engine';

const USAGE = `Usage: qubitro-engine install [--with-restful]
       qubitro-engine --check

  install         build OpenTofu and the iotflow provider when missing (minutes the first time,
                  cached in ~/.cache/cdktf-thingpark-qubitro), then print export lines for eval:
                  eval "$(npx qubitro-engine install)"
  --with-restful  also mirror magodo/restful 0.25.2 (only the benchmark and the 0.1 upgrade need it)
  --check         report what is installed and what is missing; exit 1 when something is missing
`;

function fail(message: string): never {
  process.stderr.write(`qubitro-engine: ${message}\n`);
  // Under `eval "$(qubitro-engine install)"` an empty output would let the shell go on without an engine:
  // `false` makes the eval itself fail, so `set -e` scripts and `|| exit 1` stop here.
  process.stdout.write('false\n');
  process.exit(1);
}

function main(): void {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        check: { type: 'boolean', default: false },
        'with-restful': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stderr.write(USAGE);
    return;
  }
  const options = { extraProviders: values['with-restful'] ? [RESTFUL_PROVIDER] : [] };
  if (values.check) {
    const status = engineStatus(options);
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    const lines = [
      `go: ${go.status === 0 ? go.stdout.trim() : 'MISSING (install Go 1.26 or newer)'}`,
      ...status.parts.map((p) => `${p.name}: ${p.installed ? p.path : 'not built yet'}`),
      `engine: ${status.engine ?? 'not assembled yet'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const ready = status.engine !== undefined;
    if (!ready) process.stdout.write('Run: eval "$(npx qubitro-engine install)"\n');
    process.exit(ready ? 0 : 1);
  }
  if (positionals.length !== 1 || positionals[0] !== 'install') {
    fail(`expected \`install\` or \`--check\`, got ${JSON.stringify(positionals.join(' '))}\n${USAGE}`);
  }
  try {
    process.stdout.write(`${exportLines(installEngine(options))}\n`);
  } catch (err) {
    fail((err as Error).message);
  }
}

main();
