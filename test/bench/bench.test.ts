/**
 * The benchmark of issue 7 keeps working: `npm run bench -- --smoke` (synth 10 connections in 2 stacks, the
 * api scenarios with 3 connections, apply of 5 at 20 ms latency) writes results of the documented shape,
 * with exactly the ideal number of writes. Timings are not asserted: this machine is shared.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { QubitroProjectStack } from '../../src';
import { BENCH_PROJECT_ID, benchConnections } from '../../bench/fixtures';
import { RawProjectStack } from '../../bench/raw';
import type { BenchResults } from '../../bench/report';
import { tsxArgs } from '../../bench/synth';
import { run, RunResult } from '../support/engine';

const root = path.resolve(__dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-bench-test-'));
const out = path.join(dir, 'results.json');
let cli: RunResult;
let results: BenchResults;

beforeAll(async () => {
  cli = await run(process.execPath, tsxArgs('bench/run.ts', '--smoke', '--out', out), root, process.env);
  if (cli.code !== 0) throw new Error(`npm run bench -- --smoke failed:\n${cli.output.slice(-6000)}`);
  results = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchResults;
}, 170_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('it prints the tables and the verdict on each target', () => {
  for (const heading of ['### synth', '### api', '### apply', '### targets']) {
    expect(cli.stdout).toContain(heading);
  }
  expect(results.smoke).toBe(true);
  expect(results.targets).toHaveLength(6);
  expect(results.targets.find((t) => t.target.startsWith('writes / ideal'))?.met).toBe(true);
});

test('synth: constructs and raw cdktf, time, peak RSS and ratio', () => {
  expect(results.synth).toEqual([expect.objectContaining({ connections: 10, stacks: 2, runs: 1 })]);
  const [s] = results.synth;
  for (const v of [s.seconds, s.rawSeconds, s.peakRssMb, s.rawPeakRssMb, s.baseRssMb])
    expect(v).toBeGreaterThan(0);
  expect(s.ratioVsRaw).toBeCloseTo(s.seconds / s.rawSeconds, 6);
  expect(s.outputBytes).toBeGreaterThan(0);
  expect(s.rawOutputBytes).toBeGreaterThan(0);
});

test('api: every scenario in both deploy modes makes exactly the ideal number of writes', () => {
  const rows = results.api.filter((a) => a.source === undefined);
  expect(rows.map((a) => `${a.mode} ${a.scenario}`)).toEqual(
    ['apply', 'plan-out'].flatMap((m) => ['create', 'reapply', 'change', 'delete'].map((s) => `${m} ${s}`)),
  );
  for (const a of results.api) {
    expect(a).toMatchObject({ writes: a.idealWrites, writeRatio: 1, failed: 0 });
    expect(a.requests).toBe(a.writes + a.reads + a.tokens);
    expect(a.tokens).toBeLessThanOrEqual(2 * a.engineRuns);
  }
  expect(rows.find((a) => a.scenario === 'create')).toMatchObject({ posts: 3, idealWrites: 3 });
  expect(rows.find((a) => a.scenario === 'change')).toMatchObject({ puts: 1, idealWrites: 1 });
  expect(rows.find((a) => a.scenario === 'delete')).toMatchObject({ deletes: 3, idealWrites: 3 });
  expect(results.api.filter((a) => a.scenario === 'reapply').every((a) => a.writes === 0)).toBe(true);
});

test('apply: 5 new connections at 20 ms latency, at two parallelisms, against the curl loop', () => {
  expect(results.apply.map((a) => [a.connections, a.latencyMs, a.parallelism, a.defaultParallelism])).toEqual(
    [
      [5, 20, 10, true],
      [5, 20, 1, false],
    ],
  );
  const curl = results.curlLoop[0];
  expect(curl).toMatchObject({ connections: 5, latencyMs: 20 });
  for (const a of results.apply) {
    expect(a).toMatchObject({ posts: 5, failed: 0 });
    expect(a.seconds).toBeGreaterThan(0);
    expect(a.firstCallSeconds).toBeLessThanOrEqual(a.seconds);
    if (curl.seconds === null) {
      expect(a.speedupVsCurl).toBeNull();
    } else {
      expect(curl.requests).toBe(6); // one token, five POSTs
      expect(a.speedupVsCurl).toBeCloseTo(curl.seconds / a.seconds, 6);
    }
  }
});

test('the raw cdktf baseline declares what the constructs declare, no more', () => {
  // Provider aliases, check names, messages, descriptions and metadata differ; the rest must match.
  const normalize = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(normalize)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([k]) => !['//', 'provider', 'error_message', 'description'].includes(k))
              .map(([k, v]) => [k, normalize(v)]),
          )
        : value;
  const synth = (variant: 'constructs' | 'raw') => {
    const outdir = path.join(dir, variant);
    const app = new App({ outdir });
    const Stack = variant === 'constructs' ? QubitroProjectStack : RawProjectStack;
    new Stack(app, 'p', {
      baseUrl: 'http://127.0.0.1:8787/iot-flow/v1',
      clientId: 'emulator-client',
      projectId: BENCH_PROJECT_ID,
      connections: benchConnections(8),
    });
    app.synth();
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks/p/cdk.tf.json'), 'utf8'));
    return {
      resources: normalize(tf.resource),
      data: normalize(tf.data),
      imports: normalize(tf.import),
      locals: normalize(tf.locals),
      checks: normalize(Object.values(tf.check)),
      outputs: normalize(Object.values(tf.output)),
      variables: Object.keys(tf.variable),
      providers: tf.provider.restful.length,
    };
  };
  const raw = synth('raw');
  expect(Object.keys((raw.resources as { restful_resource: object }).restful_resource)).toHaveLength(8);
  // A subset, so that a feature added to the constructs shows as a larger output rather than a failure here.
  expect(synth('constructs')).toMatchObject(raw);
});
