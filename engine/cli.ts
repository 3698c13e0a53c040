#!/usr/bin/env node
/**
 * `qubitro-engine`: finds or builds the deployment engine (tofu or terraform, and the `iotflow` provider in a
 * filesystem mirror) from any project that depends on this package.
 *
 *   eval "$(npx qubitro-engine install)"   find or build what is missing (which and why on stderr), then
 *                                          export PATH, TF_CLI_CONFIG_FILE, TERRAFORM_BINARY_NAME, TF_INPUT, …
 *   npx qubitro-engine --check             say which engine, provider and mirror (exit 1 if not ready)
 */
import { parseArgs } from 'node:util';
import {
  ENGINE_CHOICES,
  EngineChoice,
  engineStatus,
  exportLines,
  installEngine,
  MIN_ENGINE_VERSION,
  RESTFUL_PROVIDER,
  TOFU_VERSION,
} from './engine';

const USAGE = `Usage: qubitro-engine install [--engine auto|tofu|terraform|build] [--with-restful]
       qubitro-engine --check [--engine …]

  install         find the engine and put the iotflow provider into a filesystem mirror, then print export
                  lines for eval: eval "$(npx qubitro-engine install)"
  --engine        auto (default, or $QUBITRO_ENGINE): tofu on PATH, else terraform on PATH (each ${MIN_ENGINE_VERSION}+),
                  else build OpenTofu ${TOFU_VERSION} from source (Go 1.26+, minutes the first time);
                  tofu / terraform: that one from PATH; build: OpenTofu from source, cached in
                  ~/.cache/cdktf-thingpark-qubitro
                  The provider comes from this platform's npm package when installed, else from a Go build.
  --with-restful  also mirror magodo/restful 0.25.2 (only the benchmark and the 0.1 upgrade need it; Go)
  --check         report the engine (and why), its version, the provider's source and the mirror; exit 1
                  when it is not installed yet
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
        engine: { type: 'string', default: process.env.QUBITRO_ENGINE || 'auto' },
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
  const engine = values.engine as EngineChoice;
  if (!ENGINE_CHOICES.includes(engine)) {
    fail(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, got ${JSON.stringify(engine)}\n${USAGE}`);
  }
  const options = { engine, extraProviders: values['with-restful'] ? [RESTFUL_PROVIDER] : [] };
  if (values.check) {
    let status;
    try {
      status = engineStatus(options);
    } catch (err) {
      fail((err as Error).message);
    }
    const { selection, provider, dir, installed } = status;
    const lines = [
      `engine: ${selection.kind} ${selection.version} (${selection.origin === 'build' ? 'built from source' : 'from PATH'})`,
      `binary: ${selection.binary}`,
      `why: ${selection.reason}`,
      `provider: ${provider.kind}, ${provider.detail}: ${provider.path}`,
      `mirror: ${dir}/mirror${installed ? '' : ' (not installed yet)'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!installed) process.stdout.write('Run: eval "$(npx qubitro-engine install)"\n');
    process.exit(installed ? 0 : 1);
  }
  if (positionals.length !== 1 || positionals[0] !== 'install') {
    fail(`expected \`install\` or \`--check\`, got ${JSON.stringify(positionals.join(' '))}\n${USAGE}`);
  }
  try {
    const installed = installEngine({
      ...options,
      log: (m) => process.stderr.write(`qubitro-engine: ${m}\n`),
    });
    process.stderr.write(`qubitro-engine: mirror ${installed.mirror}\n`);
    process.stdout.write(`${exportLines(installed)}\n`);
  } catch (err) {
    fail((err as Error).message);
  }
}

main();
