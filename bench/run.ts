/**
 * `npm run bench`: synth scaling, API calls against the ideal, apply speed against a curl loop (issue 7).
 * Prints tables and writes bench/results.json. See bench/README.md for the method.
 *
 *   npm run bench                      the full benchmark (about 15 minutes on 2 cores)
 *   npm run bench -- --smoke           a tiny version (npm test runs it), written to a temporary file
 *   npm run bench -- --only synth      one section (synth, api or apply; repeatable); the other sections
 *                                      already in the results file are kept
 *   npm run bench -- --out FILE        another results file
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { installEngine, RESTFUL_PROVIDER } from '../engine/engine';
import { startEmulator } from '../emulator';
import { benchApi } from './api';
import { ApplySize, benchApply } from './apply';
import { BenchResults, formatResults, SectionMeta, targets } from './report';
import { benchSynth, SynthConfig } from './synth';

const SECTIONS = ['synth', 'api', 'apply'] as const;
type Section = (typeof SECTIONS)[number];

interface Plan {
  readonly synth: { readonly configs: SynthConfig[]; readonly runs: number };
  readonly api: { readonly connections: number; readonly changed: number };
  readonly apply: { readonly latencyMs: number; readonly sizes: ApplySize[] };
}

const FULL: Plan = {
  synth: {
    configs: [
      { connections: 1, stacks: 1 },
      { connections: 100, stacks: 10 },
      { connections: 1000, stacks: 100 },
    ],
    runs: 5,
  },
  api: { connections: 100, changed: 10 },
  apply: {
    latencyMs: 20,
    sizes: [
      { connections: 100, parallelisms: [1, 10, 30, 50] },
      // 1000 is CPU-bound (see README); two values show it and keep the benchmark near 15 minutes.
      { connections: 1000, parallelisms: [10, 50] },
    ],
  },
};

const SMOKE: Plan = {
  synth: { configs: [{ connections: 10, stacks: 2 }], runs: 1 },
  api: { connections: 3, changed: 1 },
  apply: { latencyMs: 20, sizes: [{ connections: 5, parallelisms: [1, 10] }] },
};

/** Enough for every benchmark: the account limit must never be what is measured. */
const MAX_CONNECTIONS = 100_000;

const root = path.resolve(__dirname, '..');
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

async function section<T>(name: Section, body: () => Promise<T>): Promise<[T, SectionMeta]> {
  const loadBefore = os.loadavg()[0];
  const started = performance.now();
  log(`${name}: started (load average ${loadBefore.toFixed(2)})`);
  const value = await body();
  const meta: SectionMeta = {
    date: new Date().toISOString(),
    commit: git('rev-parse', 'HEAD') || 'unknown',
    srcDirty: git('status', '--porcelain', '--', 'src') !== '',
    seconds: (performance.now() - started) / 1000,
    loadBefore,
    loadAfter: os.loadavg()[0],
  };
  log(`${name}: done in ${meta.seconds.toFixed(0)} s`);
  return [value, meta];
}

function readPrevious(file: string, smoke: boolean): Partial<BenchResults> {
  try {
    const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
    return previous.smoke === smoke ? previous : {};
  } catch {
    return {};
  }
}

export async function main(argv: string[]): Promise<BenchResults> {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
  });
  const smoke = values.smoke ?? false;
  const only = (values.only ?? []).flatMap((o) => o.split(','));
  for (const o of only) {
    if (!SECTIONS.includes(o as Section)) throw new Error(`--only takes ${SECTIONS.join(', ')}; got ${o}`);
  }
  const selected = new Set<Section>(only.length ? (only as Section[]) : SECTIONS);
  const plan = smoke ? SMOKE : FULL;
  const out = path.resolve(
    values.out ??
      (smoke ? path.join(os.tmpdir(), 'qubitro-bench-smoke.json') : path.join(__dirname, 'results.json')),
  );

  const previous = readPrevious(out, smoke);
  const results = {
    smoke,
    machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    meta: { ...previous.meta },
    synth: previous.synth ?? [],
    api: previous.api ?? [],
    apply: previous.apply ?? [],
    curlLoop: previous.curlLoop ?? [],
  };

  if (selected.has('synth')) {
    [results.synth, results.meta.synth] = await section('synth', () =>
      benchSynth(plan.synth.configs, plan.synth.runs, log),
    );
  }
  if (selected.has('api') || selected.has('apply')) installEngine({ log, extraProviders: [RESTFUL_PROVIDER] });
  if (selected.has('api')) {
    const emulator = await startEmulator({ maxConnections: MAX_CONNECTIONS });
    try {
      const [api, meta] = await section('api', () =>
        benchApi(emulator, plan.api.connections, plan.api.changed, ['apply', 'plan-out'], log),
      );
      // The apply section adds its own create and re-apply rows; keep them.
      results.api = [...api, ...results.api.filter((a) => a.source !== undefined)];
      results.meta.api = meta;
    } finally {
      await emulator.close();
    }
  }
  if (selected.has('apply')) {
    const { latencyMs, sizes } = plan.apply;
    const emulator = await startEmulator({ latencyMs, maxConnections: MAX_CONNECTIONS });
    try {
      const [apply, meta] = await section('apply', () => benchApply(emulator, latencyMs, sizes, log));
      results.apply = apply.apply;
      results.curlLoop = apply.curlLoop;
      results.api = [...results.api.filter((a) => a.source === undefined), ...apply.api];
      results.meta.apply = meta;
    } finally {
      await emulator.close();
    }
  }

  const final: BenchResults = { ...results, targets: targets(results) };
  // Formatted as the repository's Prettier config wants it, so that `npm run lint` accepts the committed file.
  const options = { ...(await prettier.resolveConfig(out)), parser: 'json' };
  fs.writeFileSync(out, await prettier.format(JSON.stringify(final, null, 2), options));
  process.stdout.write(`${formatResults(final)}\n\nwritten to ${path.relative(process.cwd(), out) || out}\n`);
  return final;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
