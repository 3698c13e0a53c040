/**
 * The benchmark of issue 13 keeps working: `npm run bench -- --smoke` (synth 10 connections in 2 stacks;
 * apply of 5 new at 20 ms latency by every contender and the curl loop; the lifecycle of 5 at no latency;
 * an apply with settling; create, re-plan and destroy under a rate limit; a CPU profile) writes results of the documented shape and the charts, with exactly the ideal
 * number of writes everywhere and none on a re-apply. Timings are not asserted: this machine is shared.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { DEFAULT_CLIENT_ID } from '../../emulator';
import { QubitroProjectStack } from '../../src';
import { configFor, CONTENDERS } from '../../bench/contenders';
import type { EngineRun } from '../../bench/deploy';
import { BENCH_PROJECT_ID, benchConnections } from '../../bench/fixtures';
import { RawProjectStack } from '../../bench/raw';
import type { BenchResults } from '../../bench/report';
import { run, RunResult } from '../../tooling/run';
import { tsxArgs } from '../../bench/synth';

const root = path.resolve(__dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-bench-test-'));
const out = path.join(dir, 'results.json');
let cli: RunResult;
let results: BenchResults;

beforeAll(async () => {
  cli = await run(process.execPath, tsxArgs('bench/run.ts', '--smoke', '--out', out), root, process.env);
  if (cli.code !== 0) throw new Error(`npm run bench -- --smoke failed:\n${cli.output.slice(-6000)}`);
  results = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchResults;
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const API = ['constructs', 'native', 'restful'];

test('it prints the tables and the verdict on each target, and draws the charts', () => {
  for (const heading of [
    '### synth',
    '### apply of N new',
    '### lifecycle',
    '### apply with settling',
    '### under a rate limit',
    '### CPU profile',
    '### targets',
  ]) {
    expect(cli.stdout).toContain(heading);
  }
  expect(results.smoke).toBe(true);
  expect(results.targets.find((t) => t.target === 'writes = ideal in every scenario')?.met).toBe(true);
  for (const chart of ['apply-time.svg', 'apply-cpu.svg']) {
    expect(fs.readFileSync(path.join(dir, 'charts', chart), 'utf8')).toMatch(/^<svg[^]*<\/svg>\s*$/);
  }
});

test('synth: constructs and raw cdktf, time, peak RSS and ratio', () => {
  expect(results.synth).toEqual([expect.objectContaining({ connections: 10, stacks: 2, runs: 1 })]);
  const [s] = results.synth;
  for (const v of [s.seconds, s.rawSeconds, s.minSeconds, s.peakRssMb, s.rawPeakRssMb, s.baseRssMb])
    expect(v).toBeGreaterThan(0);
  expect(s.ratioVsRaw).toBeCloseTo(s.seconds / s.rawSeconds, 6);
});

function expectIdealWrites(r: EngineRun): void {
  expect(r).toMatchObject({ writes: r.idealWrites, failed: 0 });
  expect(r.requests).toBe(r.writes + r.reads + r.tokens);
  for (const v of [r.seconds, r.cpuSeconds, r.combinedPeakRssMb]) expect(v).toBeGreaterThan(0);
}

test('apply of 5 new at 20 ms: every contender once, each API contender with exactly 5 POSTs', () => {
  const runs = results.scale.runs;
  expect(runs.map((r) => r.contender).sort()).toEqual([...CONTENDERS].sort());
  for (const r of runs) {
    expect(r).toMatchObject({ scenario: 'create', connections: 5, latencyMs: 20 });
    if (API.includes(r.contender)) {
      expectIdealWrites(r);
      expect(r).toMatchObject({ posts: 5, idealWrites: 5 });
      expect(r.enginePeakRssMb).toBeGreaterThan(0);
      expect(r.providerPeakRssMb).toBeGreaterThan(0);
    } else expect(r.requests).toBe(0);
  }
  const curl = results.scale.curl[0];
  expect(curl).toMatchObject({ connections: 5, latencyMs: 20 });
  if (curl.seconds !== null) expect(curl.requests).toBe(6); // one token, five POSTs
  expect(results.summary.scale.map((r) => r.contender)).toEqual(
    expect.arrayContaining(['curl loop', 'latency floor', ...CONTENDERS]),
  );
});

test('lifecycle: writes are ideal in every scenario, and a re-apply or re-plan writes nothing', () => {
  const scenarios = ['create', 'reapply', 'replan', 'change', 'rotate', 'destroy'];
  for (const c of CONTENDERS) {
    const runs = results.lifecycle.filter((r) => r.contender === c);
    expect(runs.map((r) => r.scenario)).toEqual(scenarios);
    if (!API.includes(c)) continue;
    for (const r of runs) expectIdealWrites(r);
    const by = (s: string) => runs.find((r) => r.scenario === s)!;
    expect(by('create')).toMatchObject({ posts: 5, idealWrites: 5 });
    expect(by('reapply')).toMatchObject({ writes: 0, idealWrites: 0 });
    expect(by('replan')).toMatchObject({ writes: 0, idealWrites: 0 });
    expect(by('change')).toMatchObject({ puts: 1, writes: 1 });
    expect(by('rotate')).toMatchObject({ puts: 5, writes: 5 });
    expect(by('destroy')).toMatchObject({ deletes: 5, writes: 5 });
  }
  expect(results.settle).toEqual([expect.objectContaining({ contender: 'constructs', posts: 5, writes: 5 })]);
});

test('under a rate limit: create, re-plan and destroy finish, and the writes that got through are ideal', () => {
  const runs = results.ratelimit!.runs;
  expect(runs.map((r) => [r.scenario, r.parallelism, r.exitCode])).toEqual([
    ['create', 10, 0],
    ['replan', 10, 0],
    ['destroy', 10, 0],
  ]);
  for (const r of runs) expect(r.requests).toBe(r.writes + r.reads + r.tokens);
  for (const row of results.summary.ratelimit) expect(row.writes).toBe(row.idealWrites);
});

test('profile: OpenTofu and the provider processes are both sampled, with their top functions', () => {
  const profile = results.profile!;
  expect(profile.note).toBeUndefined();
  expect(profile.profiles.map((p) => p.process)).toEqual(['tofu', 'provider']);
  for (const p of profile.profiles) {
    expect(p.sampledSeconds).toBeGreaterThan(0);
    expect(p.top.length).toBeGreaterThan(0);
  }
});

test('the raw cdktf baseline declares what the constructs declare, no more', () => {
  // Provider aliases, messages, descriptions and metadata differ; the rest must match.
  const normalize = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(normalize)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([k]) => !['//', 'provider', 'alias', 'error_message', 'description'].includes(k))
              .map(([k, v]) => [k, normalize(v)]),
          )
        : value;
  const synth = (variant: 'constructs' | 'raw') => {
    const outdir = path.join(dir, variant);
    const app = new App({ outdir });
    const Stack = variant === 'constructs' ? QubitroProjectStack : RawProjectStack;
    new Stack(app, 'p', {
      baseUrl: 'http://127.0.0.1:8787/iot-flow/v1',
      clientId: DEFAULT_CLIENT_ID,
      projectId: BENCH_PROJECT_ID,
      connections: benchConnections(8),
    });
    app.synth();
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks/p/cdk.tf.json'), 'utf8'));
    return {
      resources: normalize(tf.resource),
      data: normalize(tf.data),
      locals: Object.values(tf.locals ?? {}),
      outputs: normalize(Object.values(tf.output)),
      variables: normalize(tf.variable),
      providers: normalize(tf.provider),
      requiredProviders: tf.terraform.required_providers,
    };
  };
  const raw = synth('raw');
  expect(Object.keys((raw.resources as { iotflow_connection: object }).iotflow_connection)).toHaveLength(8);
  // A subset, so that a feature added to the constructs shows as a larger output rather than a failure here.
  expect(synth('constructs')).toMatchObject(raw);
});

test('the hand-written native resources are what the constructs declare', () => {
  const endpoint = { baseUrl: 'http://127.0.0.1:8787/iot-flow/v1', tokenUrl: 'http://127.0.0.1:8787/token' };
  const connections = benchConnections(8);
  const strip = (resources: Record<string, Record<string, unknown>>) =>
    Object.values(resources).map((attrs) =>
      Object.fromEntries(Object.entries(attrs).filter(([k]) => !['provider', '//'].includes(k))),
    );
  const ours = configFor('constructs', endpoint, connections).json as {
    resource: { iotflow_connection: never };
  };
  const native = configFor('native', endpoint, connections).json as {
    resource: { iotflow_connection: never };
  };
  expect(strip(native.resource.iotflow_connection)).toEqual(strip(ours.resource.iotflow_connection));
});

test('the engine runs get the native-syntax override the constructs synthesize, and the peers theirs', () => {
  const endpoint = { baseUrl: 'http://127.0.0.1:8787/iot-flow/v1', tokenUrl: 'http://127.0.0.1:8787/token' };
  const connections = benchConnections(3);
  const overrides = Object.fromEntries(
    CONTENDERS.map((c) => [c, configFor(c, endpoint, connections).override ?? '']),
  );
  expect(overrides.constructs).toMatch(/resource "iotflow_connection" "Conn0001_\w+" \{/);
  expect(overrides.native).toMatch(/resource "iotflow_connection" "Conn0001" \{/);
  expect(overrides.terraform_data).toMatch(/resource "terraform_data" "Conn0001" \{\n {2}input = \{/);
  expect(overrides.restful).toBe('');
});
