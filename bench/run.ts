/**
 * `npm run bench`: synth scaling, apply of N new connections against bare native resources, bare restful,
 * OpenTofu's terraform_data floor, a curl loop and the latency floor; the lifecycle (re-plan, change,
 * key rotation, destroy) at no latency; an apply with settling connections (issue 13); create, re-plan and
 * destroy under an NGINX-style rate limit at parallelism 1, 10 and 50, and CPU profiles of OpenTofu and the
 * provider during an apply (issue 20). Prints tables,
 * writes bench/results.json and the charts (bench/charts/*.svg). See bench/README.md for the method.
 *
 *   npm run bench                      the full benchmark (about 22 minutes on 2 cores)
 *   npm run bench -- --smoke           a tiny version (npm test runs it), written to a temporary folder
 *   npm run bench -- --only synth      one section (synth, scale, lifecycle, settle, ratelimit, profile; repeatable); the
 *                                      other sections already in the results file are kept
 *   npm run bench -- --out FILE        another results file (the charts go to charts/ beside it)
 *   npm run bench -- --sizes 300,1000  the scale section at only those sizes
 *   npm run bench -- --report          no measurement: tables, verdicts and charts again from the file
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
import type { EmulatorOptions } from '../emulator';
import { writeCharts } from './charts';
import { CONTENDERS } from './contenders';
import {
  benchLifecycle,
  benchProfile,
  benchRateLimit,
  benchScale,
  benchSettle,
  LifecyclePlan,
  RateLimitPlan,
  ScalePlan,
} from './deploy';
import { BenchResults, formatResults, Section, SECTIONS, SectionMeta, summarize, targets } from './report';
import { benchSynth, SynthConfig } from './synth';

interface Plan {
  readonly synth: { readonly configs: SynthConfig[]; readonly runs: number };
  readonly scale: ScalePlan;
  readonly lifecycle: LifecyclePlan;
  readonly settle: { readonly connections: number; readonly latencyMs: number; readonly settleMs: number };
  readonly ratelimit: RateLimitPlan;
  readonly profile: { readonly connections: number; readonly latencyMs: number };
}

const ALL = [...CONTENDERS];

/**
 * Sized for about 22 minutes on 2 cores (measured: one round at 1000 costs ~4 minutes, restful and the
 * constructs 1.5 each). restful at 1000 and the map-outputs variant (a profile, not a contender) run once.
 */
const FULL: Plan = {
  synth: {
    configs: [
      { connections: 1, stacks: 1 },
      { connections: 100, stacks: 10 },
      { connections: 1000, stacks: 100 },
    ],
    runs: 5,
  },
  scale: {
    latencyMs: 20,
    variants: ALL,
    sizes: [
      { connections: 10, rounds: 3 },
      { connections: 100, rounds: 3 },
      { connections: 300, rounds: 3 },
      { connections: 1000, rounds: 2, limitRounds: { restful: 1 } },
    ],
  },
  lifecycle: { connections: 300, rounds: 2, variants: ALL },
  settle: { connections: 1000, latencyMs: 20, settleMs: 1500 },
  // Issue 20's limit: 150 ms a call, settling 1.5 s, 4 calls a second with a burst of 2, 503 without
  // Retry-After (NGINX's default). About 18 minutes: the limit, not the machine, sets the pace.
  ratelimit: {
    connections: 300,
    latencyMs: 150,
    settleMs: 1500,
    rate: 4,
    burst: 2,
    parallelisms: [1, 10, 50],
  },
  profile: { connections: 1000, latencyMs: 20 },
};

const SMOKE: Plan = {
  synth: { configs: [{ connections: 10, stacks: 2 }], runs: 1 },
  scale: { latencyMs: 20, variants: ALL, sizes: [{ connections: 5, rounds: 1 }] },
  lifecycle: { connections: 5, rounds: 1, variants: ALL, reapply: true },
  settle: { connections: 5, latencyMs: 20, settleMs: 300 },
  ratelimit: { connections: 5, latencyMs: 20, settleMs: 300, rate: 10, burst: 2, parallelisms: [10] },
  profile: { connections: 5, latencyMs: 20 },
};

/** The account limit and the request log must never be what is measured. */
const EMULATOR: EmulatorOptions = {
  maxConnections: 100_000,
  requestLogMaxEntries: 1_000_000,
  requestLogMaxBytes: 2 ** 31,
};

const root = path.resolve(__dirname, '..');
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);

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

async function runSection<T>(name: Section, body: () => Promise<T>): Promise<[T, SectionMeta]> {
  const loadBefore = os.loadavg()[0];
  const started = performance.now();
  progress(`${name}: started (load average ${loadBefore.toFixed(2)})`);
  const value = await body();
  const meta: SectionMeta = {
    date: new Date().toISOString(),
    commit: git('rev-parse', 'HEAD') || 'unknown',
    srcDirty: git('status', '--porcelain', '--', 'src', 'provider') !== '',
    seconds: (performance.now() - started) / 1000,
    loadBefore,
    loadAfter: os.loadavg()[0],
  };
  progress(`${name}: done in ${meta.seconds.toFixed(0)} s`);
  return [value, meta];
}

function readPrevious(file: string, smoke: boolean): Partial<BenchResults> {
  try {
    const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
    return previous.smoke === smoke && previous.scale?.runs ? previous : {};
  } catch {
    return {};
  }
}

async function withEmulator<T>(
  options: EmulatorOptions,
  body: (e: Awaited<ReturnType<typeof startEmulator>>) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ ...EMULATOR, ...options });
  try {
    return await body(emulator);
  } finally {
    await emulator.close();
  }
}

export async function main(argv: string[]): Promise<BenchResults> {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      out: { type: 'string' },
      report: { type: 'boolean', default: false },
      sizes: { type: 'string' },
    },
  });
  const smoke = values.smoke ?? false;
  const only = (values.only ?? []).flatMap((o) => o.split(','));
  for (const o of only) {
    if (!SECTIONS.includes(o as Section)) throw new Error(`--only takes ${SECTIONS.join(', ')}; got ${o}`);
  }
  // --report: measure nothing, recompute the summary, the verdicts and the charts from the results file.
  const selected = new Set<Section>(values.report ? [] : only.length ? (only as Section[]) : SECTIONS);
  const base = smoke ? SMOKE : FULL;
  // --sizes 300,1000: only those sizes of the scale section (a shorter run; the others drop from the file).
  const sizes = values.sizes?.split(',').map(Number);
  const plan: Plan = sizes
    ? {
        ...base,
        scale: { ...base.scale, sizes: base.scale.sizes.filter((x) => sizes.includes(x.connections)) },
      }
    : base;
  const out = path.resolve(
    values.out ??
      (smoke
        ? path.join(os.tmpdir(), 'qubitro-bench-smoke', 'results.json')
        : path.join(__dirname, 'results.json')),
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });

  const previous = readPrevious(out, smoke);
  const results = {
    smoke,
    machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    meta: { ...previous.meta } as BenchResults['meta'] & Record<string, SectionMeta>,
    synth: previous.synth ?? [],
    scale: previous.scale ?? { latencyMs: plan.scale.latencyMs, runs: [], curl: [] },
    lifecycle: previous.lifecycle ?? [],
    settle: previous.settle ?? [],
    ratelimit: previous.ratelimit ?? null,
    profile: previous.profile ?? null,
  };

  if (selected.has('synth')) {
    [results.synth, results.meta.synth] = await runSection('synth', () =>
      benchSynth(plan.synth.configs, plan.synth.runs, progress),
    );
  }
  const engine = [...selected].some((s) => s !== 'synth')
    ? installEngine({ log: progress, extraProviders: [RESTFUL_PROVIDER] })
    : undefined;
  if (engine && selected.has('scale')) {
    const { latencyMs } = plan.scale;
    const [scale, meta] = await runSection('scale', () =>
      withEmulator({ latencyMs, settleMs: 0 }, (e) => benchScale(engine, e, plan.scale, progress)),
    );
    results.scale = { latencyMs, ...scale };
    results.meta.scale = meta;
  }
  if (engine && selected.has('lifecycle')) {
    [results.lifecycle, results.meta.lifecycle] = await runSection('lifecycle', () =>
      withEmulator({ latencyMs: 0, settleMs: 0 }, (e) => benchLifecycle(engine, e, plan.lifecycle, progress)),
    );
  }
  if (engine && selected.has('settle')) {
    const { connections, latencyMs, settleMs } = plan.settle;
    const [run, meta] = await runSection('settle', () =>
      withEmulator({ latencyMs, settleMs }, (e) =>
        benchSettle(engine, e, connections, latencyMs, settleMs, progress),
      ),
    );
    results.settle = [run];
    results.meta.settle = meta;
  }
  if (engine && selected.has('ratelimit')) {
    const { latencyMs, settleMs, rate, burst } = plan.ratelimit;
    const [runs, meta] = await runSection('ratelimit', () =>
      withEmulator({ latencyMs, settleMs, rateLimit: rate, rateBurst: burst, rateLimitStatus: 503 }, (e) =>
        benchRateLimit(engine, e, plan.ratelimit, progress),
      ),
    );
    results.ratelimit = { rate, burst, runs };
    results.meta.ratelimit = meta;
  }
  if (engine && selected.has('profile')) {
    const { connections, latencyMs } = plan.profile;
    [results.profile, results.meta.profile] = await runSection('profile', () =>
      withEmulator({ latencyMs, settleMs: 0 }, (e) =>
        benchProfile(engine, e, connections, latencyMs, progress),
      ),
    );
  }

  const summary = summarize(results);
  const withSummary = { ...results, summary };
  const final: BenchResults = { ...withSummary, targets: targets(withSummary) };
  // Formatted as the repository's Prettier config wants it, so that `npm run lint` accepts the committed file.
  const options = { ...(await prettier.resolveConfig(out)), parser: 'json' };
  fs.writeFileSync(out, await prettier.format(JSON.stringify(final, null, 2), options));
  const charts = await writeCharts(final, path.join(path.dirname(out), 'charts'));
  process.stdout.write(
    `${formatResults(final)}\n\nwritten to ${path.relative(process.cwd(), out) || out}` +
      (charts.length ? ` and ${charts.map((c) => path.relative(process.cwd(), c)).join(', ')}` : '') +
      '\n',
  );
  return final;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
