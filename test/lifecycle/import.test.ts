/**
 * `qubitro-import` on the real engine: 250 connections made through the API as a UI would (odd but valid
 * fields, 3 Qubitro projects, 3 pages), imported into an environments YAML, planned, deployed and re-planned.
 * One deployment serves every test of the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { App } from 'cdktf';
import { RunningEmulator, startEmulator } from '../../emulator';
import { main as importCli } from '../../src/import/cli';
import { addEnvironmentStacks } from '../../src';
import { callApi, CLIENT_ID, CLIENT_SECRET, connectionCalls, requireEngine, run } from '../support/engine';

const PROJECTS = [
  'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
  '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b',
  'c0ffee00-1234-4abc-8def-0123456789ab',
];
const KEYS = PROJECTS.map((p) => `signing-key-of-${p.slice(0, 8)}-5f4e3d2c1b`);
const COUNT = 250;

let emulator: RunningEmulator;
let dir: string;
let yamlFile: string;
let report: { code: number; stdout: string; stderr: string };
const engine = requireEngine();
/** Each connection as the API showed it before the import (state and startupTime left out). */
const before = new Map<string, Record<string, unknown>>();
const extra: Record<string, string> = {};

/** What a UI user may leave on a connection: every modelled field, in unusual but valid values. */
function uiConnection(i: number) {
  const p = i % PROJECTS.length;
  const configuration: Record<string, unknown> = {
    destinationURL:
      i % 7 === 0
        ? 'https://eu.webhook.qubitro.com/integrations/actility?region=eu'
        : 'https://webhook.qubitro.com/integrations/actility',
    headers: { projectId: PROJECTS[p], webhookSigningKey: KEYS[p] },
  };
  if (i % 2 === 0) configuration.description = `Étable n°${i} — capteurs (nord) & sud`;
  if (i % 3 === 0) configuration.uplinkTimeValidity = `${(i % 90) + 1}m`;
  if (i % 4 === 0) configuration.reconnectStrategy = ['CALM', 'AGGRESSIVE', 'NORMAL'][i % 3];
  if (i % 5 === 0) configuration.createDevices = false;
  if (i % 6 === 0) configuration.sendMetadata = true;
  if (i % 9 === 0) Object.assign(configuration, { downlinkAsId: `as-${i}`, downlinkPort: (i % 223) + 1 });
  if (i % 11 === 0) configuration.downlinkEnabled = false;
  const body: Record<string, unknown> = {
    name: `Farm ${i} / barn ${String.fromCharCode(65 + (i % 26))}: sensors ✓`,
    connectorId: 'actility-http-iot',
    brand: 'QUBITRO',
    configuration,
  };
  if (i % 8 === 0) body.active = false;
  if (i % 10 === 0) {
    body.alarms = [
      {
        startTime: '2019-01-31T09:00:00+01:00',
        endTime: '2019-01-31T18:00:00+01:00',
        timezone: 'Europe/Paris',
        recurrence: [{ frequency: 'weekly', byDays: ['monday', 'friday'] }],
        uplinkRateMinPerHour: i,
        message: `Barn ${i} is quiet`,
      },
    ];
  }
  return body;
}

async function post(body: Record<string, unknown>): Promise<string> {
  const res = await callApi(emulator, 'POST', '/connections', body);
  expect(res.status).toBe(201);
  return res.body!.id as string;
}

/** The connection as compared before and after: what the API shows, without state and startup time. */
async function shown(id: string): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { state, startupTime, ...rest } = (await callApi(emulator, 'GET', `/connections/${id}`)).body!;
  return rest;
}

function engineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...engine.env,
    TF_IN_AUTOMATION: '1',
    TF_VAR_thingpark_client_secret: CLIENT_SECRET,
  };
  PROJECTS.forEach((p, i) => (env[`TF_VAR_prod_qubitro_${p.slice(0, 8)}_signing_key`] = KEYS[i]));
  return env;
}

/** A JSON attribute (configuration, alarms) as the value it holds: key order is no change. */
function semantic(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const stacks = () => fs.readdirSync(path.join(dir, 'cdktf.out', 'stacks')).sort();
const tofu = (stack: string, ...args: string[]) =>
  run(engine.binaryName, [...args, '-no-color'], path.join(dir, 'cdktf.out', 'stacks', stack), engineEnv());

/** `tofu plan` of every stack, saved and shown as JSON. */
async function planAll(): Promise<Record<string, any>> {
  const plans: Record<string, any> = {};
  for (const stack of stacks()) {
    const plan = await tofu(stack, 'plan', '-input=false', '-out=plan');
    expect(plan.code).toBe(0);
    plans[stack] = JSON.parse((await tofu(stack, 'show', '-json', 'plan')).stdout);
  }
  return plans;
}

let firstPlans: Record<string, any>;
let deployCalls: ReturnType<typeof connectionCalls>;

beforeAll(async () => {
  emulator = await startEmulator({ settleMs: 0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-import-'));
  yamlFile = path.join(dir, 'environments.yaml');
  for (let i = 1; i <= COUNT; i++) before.set(await post(uiConnection(i)), {});
  // Left on the endpoint, untouched: a name used twice, a field no construct models, an unknown connector.
  extra.twinA = await post({ ...uiConnection(1000), name: 'Shared name' });
  extra.twinB = await post({ ...uiConnection(1001), name: 'Shared name' });
  const custom = uiConnection(1002);
  (custom.configuration as any).headers['X-Trace-Level'] = 'verbose';
  extra.custom = await post({ ...custom, name: 'With a custom header' });
  extra.unknown = await post({ name: 'Acme bridge', connectorId: 'acme-bridge', configuration: { port: 7 } });
  for (const id of before.keys()) before.set(id, await shown(id));
  const out: string[] = [];
  const err: string[] = [];
  const code = await importCli(
    ['--base-url', emulator.baseUrl, '--client-id', CLIENT_ID, '--format', 'yaml', '--out', yamlFile],
    (t) => out.push(t),
    (t) => err.push(t),
    { TF_VAR_thingpark_client_secret: CLIENT_SECRET },
  );
  report = { code, stdout: out.join(''), stderr: err.join('') };
  const app = new App({ outdir: path.join(dir, 'cdktf.out') });
  addEnvironmentStacks(app, yamlFile);
  app.synth();
  for (const stack of stacks()) expect((await tofu(stack, 'init', '-input=false')).code).toBe(0);
  firstPlans = await planAll();
  const mark = emulator.requests().length;
  for (const stack of stacks()) {
    const apply = await tofu(stack, 'apply', '-input=false', 'plan');
    expect(apply.code).toBe(0);
  }
  deployCalls = connectionCalls(emulator, mark);
}, 900_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the import reads all three pages and writes the 250 connections in one stack per Qubitro project', () => {
  expect(report.code).toBe(0);
  expect(report.stdout).toContain(`${COUNT + 4} connections on the endpoint`);
  expect(report.stdout).toContain(`${COUNT} written to`);
  expect(stacks()).toEqual(PROJECTS.map((p) => `prod-qubitro-${p.slice(0, 8)}`).sort());
  const text = fs.readFileSync(yamlFile, 'utf8');
  expect(text.match(/importFrom:/g)).toHaveLength(COUNT);
});

test('the report names the signing key variable of each project and that each key is sent once', () => {
  for (const p of PROJECTS) {
    expect(report.stdout).toContain(`TF_VAR_prod_qubitro_${p.slice(0, 8)}_signing_key`);
  }
  expect(report.stdout).toMatch(/first deploy sends it once/);
  expect(report.stdout).not.toContain(KEYS[0]);
  expect(report.stdout).not.toContain(CLIENT_SECRET);
});

test('a name used twice, an unmodellable field and an unknown connector are left on the endpoint and reported', () => {
  expect(report.stdout).toMatch(
    new RegExp(
      `${extra.twinA} "Shared name": the name is used by connections ${extra.twinA}, ${extra.twinB}`,
    ),
  );
  expect(report.stdout).toMatch(
    new RegExp(
      `${extra.custom} "With a custom header": QubitroConnection cannot express configuration.headers.X-Trace-Level`,
    ),
  );
  expect(report.stdout).toMatch(/1 connections not selected \(acme-bridge\/-\)/);
  const text = fs.readFileSync(yamlFile, 'utf8');
  expect(text).toContain(`# not imported: ${extra.custom} "With a custom header"`);
  for (const id of Object.values(extra)) expect(text).not.toContain(`importFrom: "${id}"`);
});

test('the first plan imports every connection, adds and destroys nothing, and changes only the masked key', () => {
  const changes = Object.values(firstPlans).flatMap((p) =>
    (p.resource_changes as any[]).filter((rc) => rc.type === 'iotflow_connection'),
  );
  expect(changes).toHaveLength(COUNT);
  for (const rc of changes) {
    expect(rc.change.importing).toBeTruthy();
    expect(rc.change.actions).toEqual(['update']);
    const changed = Object.keys(rc.change.after).filter(
      (k) => !isDeepStrictEqual(semantic(rc.change.after[k]), semantic(rc.change.before[k])),
    );
    const unknown = Object.keys(rc.change.after_unknown).filter((k) => rc.change.after_unknown[k] === true);
    // The fingerprint of the key sent once (unknown until apply) and what the API sets on a write.
    expect(
      [...changed, ...unknown].filter((k) => !['secrets_fingerprint', 'state', 'startup_time'].includes(k)),
    ).toEqual([]);
  }
});

test('the deploy sends no POST and no DELETE, one PUT per connection (the key sent once)', () => {
  expect(deployCalls.filter((c) => c.method === 'POST' || c.method === 'DELETE')).toEqual([]);
  expect(deployCalls.filter((c) => c.method === 'PUT')).toHaveLength(COUNT);
});

test('after the deploy every connection holds exactly the fields it had, and the re-plan is empty', async () => {
  for (const [id, was] of before) expect(await shown(id)).toEqual(was);
  for (const stack of stacks()) {
    const plan = await tofu(stack, 'plan', '-input=false', '-detailed-exitcode');
    expect(plan.code).toBe(0);
  }
});

test('a second import run on the tenant already under code adds nothing', async () => {
  const text = fs.readFileSync(yamlFile, 'utf8');
  const out: string[] = [];
  const code = await importCli(
    ['--base-url', emulator.baseUrl, '--client-id', CLIENT_ID, '--format', 'yaml', '--out', yamlFile],
    (t) => out.push(t),
    () => undefined,
    { TF_VAR_thingpark_client_secret: CLIENT_SECRET },
  );
  expect(code).toBe(0);
  expect(out.join('')).toContain(`0 added to ${yamlFile}`);
  expect(out.join('')).toContain(`${COUNT} already under code`);
  expect(fs.readFileSync(yamlFile, 'utf8')).toBe(text);
});
