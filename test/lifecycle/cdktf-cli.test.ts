/** The user's path end to end: `cdktf diff`, `deploy` and `destroy` of the per-project example with tofu. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { CLIENT_SECRET, requireEngine, reviewCli, run, writes } from '../support/engine';

const root = path.resolve(__dirname, '../..');
const cdktf = path.join(root, 'node_modules/.bin/cdktf');
const KEYS = { farm_signing_key: 'farm-probe-key-7a6b5c4d', fleet_signing_key: 'fleet-probe-key-3e2f1a0b' };

let emulator: RunningEmulator;
let project: string;

beforeAll(async () => {
  emulator = await startEmulator();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-cli-'));
  fs.writeFileSync(
    path.join(project, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: `${path.join(root, 'node_modules/.bin/tsx')} ${path.join(root, 'examples/per-project/main.ts')}`,
      output: 'cdktf.out',
      sendCrashReports: 'false',
    }),
  );
});

afterAll(async () => {
  fs.rmSync(project, { recursive: true, force: true });
  await emulator?.close();
});

// cdktf colours the engine's output whatever the terminal; assertions read plain text.
// eslint-disable-next-line no-control-regex -- strips ANSI escapes
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

const cli = async (...args: string[]) => {
  const r = await run(cdktf, [...args, '--skip-provider-lock'], project, {
    ...process.env,
    ...requireEngine().env,
    CI: 'true',
    DISABLE_VERSION_CHECK: 'true',
    IOTFLOW_BASE_URL: emulator.baseUrl,
    TF_VAR_thingpark_client_secret: CLIENT_SECRET,
    ...Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [`TF_VAR_${k}`, v])),
  });
  return { ...r, output: plain(r.output) };
};

const noSecrets = (text: string) => {
  for (const secret of [...Object.values(KEYS), CLIENT_SECRET]) expect(text).not.toContain(secret);
};

test('cdktf diff plans the two connections of a project without calling a write', async () => {
  const r = await cli('diff', 'farm-sensors');
  expect(r.code).toBe(0);
  expect(r.output).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);
  expect(writes(emulator)).toEqual([]);
  noSecrets(r.output);
});

test('the binary plan cdktf diff leaves holds neither the signing keys nor the client secret', () => {
  const plan = path.join(project, 'cdktf.out', 'stacks', 'farm-sensors', 'plan');
  expect(fs.existsSync(plan)).toBe(true);
  noSecrets(fs.readFileSync(plan).toString('latin1'));
});

test('qubitro-review --plan-file reads the saved plan cdktf diff left, in memory, writing no plan JSON', async () => {
  const r = await reviewCli(
    ['--out', 'cdktf.out', '--plan-file', 'cdktf.out/stacks/farm-sensors/plan'],
    project,
    { ...process.env, ...requireEngine().env },
  );
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/\*\*create\*\*/);
  expect(r.stdout).toContain('Farm sensors to Qubitro');
  noSecrets(r.output);
  const jsonFiles = fs
    .readdirSync(project, { recursive: true, encoding: 'utf8' })
    .filter((f) => /plan.*\.json$/.test(f));
  expect(jsonFiles).toEqual([]);
});

test('cdktf deploy creates them with one POST each and prints their ids and states', async () => {
  const r = await cli('deploy', 'farm-sensors', '--auto-approve');
  expect(r.code).toBe(0);
  expect(writes(emulator).map((w) => w.call)).toEqual(['POST /connections', 'POST /connections']);
  expect(r.output).toMatch(/ConnectionIds = \{/);
  expect(r.output).toMatch(/"?Uplinks"? = "\d+"/);
  noSecrets(r.output);
});

test('the state cdktf deploy wrote holds no secret', () => {
  const state = path.join(project, 'terraform.farm-sensors.tfstate');
  expect(fs.existsSync(state)).toBe(true);
  noSecrets(fs.readFileSync(state, 'utf8'));
});

test('cdktf destroy deletes exactly what it created', async () => {
  const mark = emulator.requests().length;
  const r = await cli('destroy', 'farm-sensors', '--auto-approve');
  expect(r.code).toBe(0);
  expect(writes(emulator, mark).map((w) => w.method)).toEqual(['DELETE', 'DELETE']);
  noSecrets(r.output);
  for (const file of fs.readdirSync(path.join(project, 'cdktf.out', 'stacks', 'farm-sensors'))) {
    if (file.endsWith('.json'))
      noSecrets(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'farm-sensors', file), 'utf8'));
  }
});
