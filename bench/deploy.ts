/**
 * The engine benchmarks, every contender (bench/contenders.ts) on the same connections:
 * - `scale`: apply of N new connections at a fixed latency per call, in rounds; each round runs every
 *   contender once (interleaved, so load drift hits all alike) and the sequential curl loop;
 * - `lifecycle`: on one workspace per contender, at no latency: create N, re-plan N unchanged, change 10 %,
 *   rotate the signing key of all, destroy; in rounds;
 * - `settle`: the constructs' apply of N new with the emulator settling connections as the real API does,
 *   so the read-back waits (reported apart from the speed runs, which settle at once).
 * Every engine run records wall time, CPU and peak memory (bench/runner.ts) and its API traffic.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Engine } from '../engine/engine';
import type { RunningEmulator } from '../emulator';
import { configFor, Contender, postBody, type RootModule } from './contenders';
import { benchConnections } from './fixtures';
import { BenchWorkspace, Measured, ROTATED_SIGNING_KEY, SIGNING_KEY } from './runner';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PAGE_SIZE } from '../emulator';
import { run } from '../tooling/run';
import { callWindow, NO_TRAFFIC, Traffic, trafficSince } from './traffic';

export type Scenario = 'create' | 'reapply' | 'replan' | 'change' | 'rotate' | 'destroy';

/** OpenTofu's default `-parallelism`. */
export const ENGINE_PARALLELISM = 10;

/** One engine run. */
export interface EngineRun extends Measured, Traffic {
  readonly contender: Contender;
  readonly scenario: Scenario;
  readonly connections: number;
  readonly latencyMs: number;
  readonly settleMs: number;
  readonly round: number;
  readonly idealWrites: number;
  /** The bound N + ⌈N/100⌉ (a refresh per connection and one listing) per run; 0 without API. */
  readonly idealReads: number;
  /** One token per endpoint per engine run; 0 without API. */
  readonly idealTokens: number;
  /** The engine's `-parallelism`. */
  readonly parallelism: number;
  readonly exitCode: number;
  readonly firstCallSeconds: number | null;
  readonly lastCallSeconds: number | null;
  readonly emulatorCpuSeconds: number;
}

export interface CurlRun {
  readonly connections: number;
  readonly latencyMs: number;
  readonly round: number;
  /** null when curl is not installed. */
  readonly seconds: number | null;
  readonly requests: number;
}

const CURL_LOOP = path.join(__dirname, 'curl-loop.sh');

const usesApi = (c: Contender) => c !== 'terraform_data';

function variantConfig(
  variant: Contender,
  emulator: RunningEmulator,
  connections: number,
  changed = 0,
): RootModule {
  const endpoint = { baseUrl: emulator.baseUrl, tokenUrl: emulator.tokenUrl };
  const list = benchConnections(connections, changed);
  return configFor(variant, endpoint, list);
}

interface RunSpec {
  readonly variant: Contender;
  readonly scenario: Scenario;
  readonly args: string[];
  readonly ok?: number[];
  readonly connections: number;
  /** Connections in state before the run. */
  readonly inState: number;
  readonly idealWrites: number;
  readonly latencyMs: number;
  readonly settleMs: number;
  readonly round: number;
  /** Given with `-parallelism=` in `args`; default ENGINE_PARALLELISM. */
  readonly parallelism?: number;
  readonly env?: NodeJS.ProcessEnv;
}

async function runEngine(
  ws: BenchWorkspace,
  emulator: RunningEmulator,
  spec: RunSpec,
  log: (m: string) => void,
): Promise<EngineRun> {
  const mark = emulator.requests().length;
  const startedMs = Date.now();
  const cpu = process.cpuUsage();
  const r = await ws.tofu(spec.args, spec.ok, spec.env);
  const emulatorCpu = process.cpuUsage(cpu);
  const api = usesApi(spec.variant);
  const t = api ? trafficSince(emulator, mark) : NO_TRAFFIC;
  const n = Math.max(spec.connections, spec.inState);
  const measured: Measured = {
    seconds: r.seconds,
    cpuSeconds: r.cpuSeconds,
    engineCpuSeconds: r.engineCpuSeconds,
    providerCpuSeconds: r.providerCpuSeconds,
    enginePeakRssMb: r.enginePeakRssMb,
    providerPeakRssMb: r.providerPeakRssMb,
    providerProcesses: r.providerProcesses,
    combinedPeakRssMb: r.combinedPeakRssMb,
  };
  const result: EngineRun = {
    contender: spec.variant,
    scenario: spec.scenario,
    connections: spec.connections,
    latencyMs: spec.latencyMs,
    settleMs: spec.settleMs,
    round: spec.round,
    ...measured,
    ...t,
    idealWrites: api ? spec.idealWrites : 0,
    idealReads: api ? n + Math.ceil(n / DEFAULT_PAGE_SIZE) : 0,
    idealTokens: api ? 1 : 0,
    parallelism: spec.parallelism ?? ENGINE_PARALLELISM,
    exitCode: r.code,
    ...callWindow(emulator, mark, startedMs),
    emulatorCpuSeconds: (emulatorCpu.user + emulatorCpu.system) / 1e6,
  };
  log(
    `${spec.variant} ${spec.scenario} ${spec.connections} @${spec.latencyMs} ms p${result.parallelism} r${spec.round}: ` +
      `exit ${r.code}, ${r.seconds.toFixed(1)} s, cpu ${r.cpuSeconds.toFixed(1)} s, ${r.combinedPeakRssMb.toFixed(0)} MB; ` +
      `writes ${t.writes}/${result.idealWrites}, reads ${t.reads} (${t.listReads} list)/${result.idealReads}, tokens ${t.tokens}, refused ${t.refused}`,
  );
  return result;
}

async function curlLoop(
  emulator: RunningEmulator,
  dir: string,
  connections: number,
  latencyMs: number,
  round: number,
  log: (m: string) => void,
): Promise<CurlRun> {
  if ((await run('curl', ['--version'], dir, process.env).catch(() => ({ code: -1 }))).code !== 0) {
    log('curl loop: the curl binary is not installed; skipped');
    return { connections, latencyMs, round, seconds: null, requests: 0 };
  }
  const file = path.join(dir, 'bodies.jsonl');
  const bodies = benchConnections(connections).map((c) => JSON.stringify(postBody(c, SIGNING_KEY)));
  fs.writeFileSync(file, `${bodies.join('\n')}\n`);
  emulator.reset();
  const env = {
    ...process.env,
    TOKEN_URL: emulator.tokenUrl,
    BASE_URL: emulator.baseUrl,
    CLIENT_ID: DEFAULT_CLIENT_ID,
    CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
  };
  const started = performance.now();
  const r = await run('bash', [CURL_LOOP, file], dir, env, 1_800_000);
  const seconds = (performance.now() - started) / 1000;
  const codes = r.stdout.trim().split('\n');
  if (r.code !== 0 || codes.length !== connections || codes.some((c) => c !== '201')) {
    throw new Error(`curl loop failed (exit ${r.code}): ${r.stderr.slice(-2000)} ${codes.slice(0, 5)}`);
  }
  log(`curl loop ${connections} POSTs at ${latencyMs} ms r${round}: ${seconds.toFixed(1)} s`);
  return { connections, latencyMs, round, seconds, requests: emulator.requests().length };
}

export interface ScaleSize {
  readonly connections: number;
  readonly rounds: number;
  /** Contenders run in only the first `r` rounds (the slow peer at large N). */
  readonly limitRounds?: Partial<Record<Contender, number>>;
}

export interface ScalePlan {
  readonly latencyMs: number;
  readonly sizes: ScaleSize[];
  readonly variants: Contender[];
}

export async function benchScale(
  engine: Engine,
  emulator: RunningEmulator,
  plan: ScalePlan,
  log: (m: string) => void,
): Promise<{ runs: EngineRun[]; curl: CurlRun[] }> {
  const runs: EngineRun[] = [];
  const curl: CurlRun[] = [];
  for (const { connections, rounds, limitRounds } of plan.sizes) {
    const spaces = new Map<Contender, BenchWorkspace>();
    try {
      for (const v of plan.variants) {
        const ws = new BenchWorkspace(engine, `${v}-${connections}`);
        ws.write(variantConfig(v, emulator, connections));
        await ws.init(); // outside the measurements
        spaces.set(v, ws);
      }
      for (let round = 1; round <= rounds; round++) {
        for (const v of plan.variants) {
          if (round > (limitRounds?.[v] ?? rounds)) continue;
          const ws = spaces.get(v)!;
          ws.removeState();
          emulator.reset();
          const spec = {
            variant: v,
            scenario: 'create' as const,
            args: ['apply', '-auto-approve', '-input=false'],
            connections,
            inState: 0,
            idealWrites: connections,
            latencyMs: plan.latencyMs,
            settleMs: 0,
            round,
          };
          runs.push(await runEngine(ws, emulator, spec, log));
        }
        curl.push(
          await curlLoop(
            emulator,
            spaces.get(plan.variants[0])!.dir,
            connections,
            plan.latencyMs,
            round,
            log,
          ),
        );
      }
    } finally {
      for (const ws of spaces.values()) ws.dispose();
    }
  }
  return { runs, curl };
}

export interface LifecyclePlan {
  readonly connections: number;
  readonly rounds: number;
  readonly variants: Contender[];
  /** Also `tofu apply` of the unchanged connections right after the create (0 writes). */
  readonly reapply?: boolean;
}

/** 10 % of the connections, at least one. */
const changedOf = (n: number) => Math.max(1, Math.round(n / 10));

export async function benchLifecycle(
  engine: Engine,
  emulator: RunningEmulator,
  plan: LifecyclePlan,
  log: (m: string) => void,
): Promise<EngineRun[]> {
  const runs: EngineRun[] = [];
  const n = plan.connections;
  const k = changedOf(n);
  for (let round = 1; round <= plan.rounds; round++) {
    for (const v of plan.variants) {
      emulator.reset();
      const ws = new BenchWorkspace(engine, `life-${v}-${n}`);
      try {
        ws.write(variantConfig(v, emulator, n));
        await ws.init();
        const apply = ['apply', '-auto-approve', '-input=false'];
        const base = { variant: v, connections: n, latencyMs: 0, settleMs: 0, round };
        const step = (
          scenario: Scenario,
          args: string[],
          inState: number,
          idealWrites: number,
          ok?: number[],
        ) => runEngine(ws, emulator, { ...base, scenario, args, inState, idealWrites, ok }, log);
        runs.push(await step('create', apply, 0, n));
        if (plan.reapply) runs.push(await step('reapply', apply, n, 0));
        runs.push(await step('replan', ['plan', '-input=false', '-detailed-exitcode'], n, 0));
        ws.write(variantConfig(v, emulator, n, k));
        runs.push(await step('change', apply, n, k));
        ws.vars.qubitro_webhook_signing_key = ROTATED_SIGNING_KEY;
        runs.push(await step('rotate', apply, n, n));
        runs.push(await step('destroy', ['destroy', '-auto-approve', '-input=false'], n, n));
      } finally {
        ws.dispose();
      }
    }
  }
  return runs;
}

/**
 * A fresh emulator and a workspace holding the constructs' stack of N, initialized, for `body`; the
 * workspace is removed after.
 */
async function withConstructs<T>(
  engine: Engine,
  emulator: RunningEmulator,
  name: string,
  connections: number,
  body: (ws: BenchWorkspace) => Promise<T>,
): Promise<T> {
  emulator.reset();
  const ws = new BenchWorkspace(engine, name);
  try {
    ws.write(variantConfig('constructs', emulator, connections));
    await ws.init();
    return await body(ws);
  } finally {
    ws.dispose();
  }
}

/** The constructs' apply of N new connections, as one engine run. */
function constructsCreate(
  connections: number,
  latencyMs: number,
  settleMs: number,
  env?: NodeJS.ProcessEnv,
): RunSpec {
  return {
    variant: 'constructs',
    scenario: 'create',
    args: ['apply', '-auto-approve', '-input=false'],
    connections,
    inState: 0,
    idealWrites: connections,
    latencyMs,
    settleMs,
    round: 1,
    env,
  };
}

/** The constructs' apply of N new with settling connections (the read-back waits for them). */
export async function benchSettle(
  engine: Engine,
  emulator: RunningEmulator,
  connections: number,
  latencyMs: number,
  settleMs: number,
  log: (m: string) => void,
): Promise<EngineRun> {
  return withConstructs(engine, emulator, `settle-${connections}`, connections, (ws) =>
    runEngine(ws, emulator, constructsCreate(connections, latencyMs, settleMs), log),
  );
}

export interface RateLimitPlan {
  readonly connections: number;
  readonly latencyMs: number;
  readonly settleMs: number;
  /** The emulator's NGINX-style limit: calls a second, burst, 503 without Retry-After. */
  readonly rate: number;
  readonly burst: number;
  readonly parallelisms: number[];
}

/**
 * The constructs' create, re-plan and destroy of N under the emulator's rate limit at a realistic latency, at
 * each parallelism: where the API's limit, not CPU, decides. A failed run is recorded (its exit code), not
 * thrown, so that the verdict can say which failed.
 */
export async function benchRateLimit(
  engine: Engine,
  emulator: RunningEmulator,
  plan: RateLimitPlan,
  log: (m: string) => void,
): Promise<EngineRun[]> {
  const runs: EngineRun[] = [];
  const n = plan.connections;
  const ws = new BenchWorkspace(engine, `ratelimit-${n}`);
  try {
    ws.write(variantConfig('constructs', emulator, n));
    await ws.init();
    for (const parallelism of plan.parallelisms) {
      emulator.reset();
      ws.removeState();
      const base = {
        variant: 'constructs' as const,
        connections: n,
        latencyMs: plan.latencyMs,
        settleMs: plan.settleMs,
        round: 1,
        parallelism,
        ok: [0, 1, 2],
      };
      const step = (scenario: Scenario, args: string[], inState: number, idealWrites: number) =>
        runEngine(
          ws,
          emulator,
          { ...base, scenario, args: [...args, `-parallelism=${parallelism}`], inState, idealWrites },
          log,
        );
      runs.push(await step('create', ['apply', '-auto-approve', '-input=false'], 0, n));
      runs.push(await step('replan', ['plan', '-input=false', '-detailed-exitcode'], n, 0));
      runs.push(await step('destroy', ['destroy', '-auto-approve', '-input=false'], n, n));
    }
  } finally {
    ws.dispose();
  }
  return runs;
}

/** One process kind's CPU profile: the total sampled, its top functions, and the share under a few of note. */
export interface ProcessProfile {
  readonly process: 'tofu' | 'provider';
  readonly sampledSeconds: number;
  /** `go tool pprof -top` rows: flat, flat%, sum%, cum, cum%, function. */
  readonly top: string[];
  /** The cumulative share of the samples under each function of note (absent: not sampled). */
  readonly focus: { readonly fn: string; readonly cumPercent: number }[];
}

export interface ProfileResult {
  readonly run: EngineRun;
  readonly profiles: ProcessProfile[];
  /** Why there are no profiles (no `go` on PATH to read them), if so. */
  readonly note?: string;
}

/** Functions whose cumulative share the profile reports: where the CPU went before issue 20's fixes. */
const FOCUS: Record<ProcessProfile['process'], string[]> = {
  // A JSON-syntax string is parsed as a template each time its references or value are asked for.
  tofu: [
    'hclsyntax.ParseTemplate',
    'json.(*expression).Variables',
    'json.(*expression).Functions',
    'json.(*expression).Value',
    'runtime.gcBgMarkWorker',
  ],
  provider: [
    'tf6server.(*server).ValidateResourceConfig',
    'tf6server.(*server).PlanResourceChange',
    'tf6server.(*server).ApplyResourceChange',
    'tf6server.(*server).ReadDataSource',
    'terraform-plugin-log',
    'runtime.gcBgMarkWorker',
    'net/http.(*persistConn)',
  ],
};
const TOP_LINES = 15;

async function readProfile(
  kind: ProcessProfile['process'],
  files: string[],
  dir: string,
): Promise<ProcessProfile | string> {
  const pprof = async (...args: string[]) => {
    const r = await run('go', ['tool', 'pprof', ...args, ...files], dir, process.env);
    if (r.code !== 0) throw new Error(r.stderr.slice(-500));
    return r.stdout.split('\n');
  };
  let flat: string[];
  let cum: string[];
  try {
    flat = await pprof('-top', `-nodecount=${TOP_LINES}`);
    cum = await pprof('-top', '-cum', '-nodecount=100000');
  } catch (err) {
    return `go tool pprof failed: ${(err as Error).message}`;
  }
  const total = /Total samples = ([\d.]+)(ms|s)/.exec(flat.join('\n'));
  const sampledSeconds = total ? Number(total[1]) / (total[2] === 'ms' ? 1000 : 1) : 0;
  const rows = (lines: string[]) =>
    lines.filter((l) => /^\s*[\d.]+(m?s)?\s+[\d.]+%/.test(l)).map((l) => l.trim());
  const focus = FOCUS[kind].flatMap((fn) => {
    const row = rows(cum).find((l) => l.includes(fn));
    const pct = row?.split(/\s+/)[4];
    return pct ? [{ fn, cumPercent: Number(pct.replace('%', '')) }] : [];
  });
  return { process: kind, sampledSeconds, top: rows(flat), focus };
}

/**
 * The constructs' apply of N new with CPU profiles of OpenTofu (`TOFU_CPU_PROFILE`) and of every provider
 * process (`IOTFLOW_CPU_PROFILE_DIR`, provider/main.go), read with `go tool pprof`.
 */
export async function benchProfile(
  engine: Engine,
  emulator: RunningEmulator,
  connections: number,
  latencyMs: number,
  log: (m: string) => void,
): Promise<ProfileResult> {
  return withConstructs(engine, emulator, `profile-${connections}`, connections, async (ws) => {
    const dir = fs.mkdtempSync(path.join(ws.dir, 'pprof-'));
    const env = { IOTFLOW_CPU_PROFILE_DIR: dir, TOFU_CPU_PROFILE: path.join(dir, 'tofu.pprof') };
    const engineRun = await runEngine(ws, emulator, constructsCreate(connections, latencyMs, 0, env), log);
    const providers = fs.readdirSync(dir).filter((f) => f.startsWith('provider-'));
    const read = await Promise.all([
      readProfile('tofu', ['tofu.pprof'], dir),
      readProfile('provider', providers, dir),
    ]);
    const profiles = read.filter((p): p is ProcessProfile => typeof p !== 'string');
    const note = read.find((p): p is string => typeof p === 'string');
    return { run: engineRun, profiles, ...(note && { note }) };
  });
}
