/**
 * The user's path end to end: `cdktf diff`, `deploy` and `destroy` of the per-project example with tofu; and
 * the same with `cdktn` on Node 22, the sources run on CDK Terrain (tooling/node.ts `cliOf`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { FLAVOURS } from '../../tooling/flavour';
import { cliOf } from '../../tooling/node';
import { CLIENT_SECRET, requireEngine, reviewCli, run, writes } from '../support/engine';
import { savedPlanText } from '../support/saved-plan';
import { expectNoSecrets } from '../support/secret-forms';

const root = path.resolve(__dirname, '../..');
const KEYS = { farm_signing_key: 'farm-probe-key-7a6b5c4d', fleet_signing_key: 'fleet-probe-key-3e2f1a0b' };

// cdktf colours the engine's output whatever the terminal; assertions read plain text.
// eslint-disable-next-line no-control-regex -- strips ANSI escapes
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

const noSecrets = (text: string, where = 'the output') =>
  expectNoSecrets(text, [...Object.values(KEYS), CLIENT_SECRET], where);

describe.each([FLAVOURS.cdktf, FLAVOURS.cdktn])('$cli.binary', (flavour) => {
  const name = flavour.cli.binary;
  let emulator: RunningEmulator;
  let project: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    project = fs.mkdtempSync(path.join(os.tmpdir(), `qubitro-cli-${flavour.name}-`));
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

  /** The flavour's CLI in the project, with the engine on PATH and the example's inputs. */
  const env = () =>
    cliOf(flavour).env({
      ...process.env,
      ...requireEngine().env,
      CI: 'true',
      DISABLE_VERSION_CHECK: 'true',
      IOTFLOW_BASE_URL: emulator.baseUrl,
      TF_VAR_thingpark_client_secret: CLIENT_SECRET,
      ...Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [`TF_VAR_${k}`, v])),
    });

  const cli = async (...args: string[]) => {
    const r = await run(cliOf(flavour).bin, [...args, '--skip-provider-lock'], project, env());
    return { ...r, output: plain(r.output) };
  };

  test(`${name} diff plans the two connections of a project without calling a write`, async () => {
    const r = await cli('diff', 'farm-sensors');
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);
    expect(writes(emulator)).toEqual([]);
    noSecrets(r.output);
  });

  test(`the example ${name} ran was synthesized by ${flavour.framework.package} ${flavour.framework.version}`, () => {
    const stack = path.join(project, 'cdktf.out', 'stacks', 'farm-sensors', 'cdk.tf.json');
    const { metadata } = JSON.parse(fs.readFileSync(stack, 'utf8'))['//'];
    expect(metadata.version).toBe(flavour.framework.version);
  });

  test(`the binary plan ${name} diff leaves holds neither the signing keys nor the client secret, unzipped`, () => {
    const plan = savedPlanText(path.join(project, 'cdktf.out', 'stacks', 'farm-sensors', 'plan'));
    // What the plan does hold is readable, so the search below reads the plan and not compressed bytes.
    expect(plan).toContain('Farm sensors to Qubitro');
    expect(plan).toContain('aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4');
    noSecrets(plan, `the plan ${name} diff saved`);
  });

  test(`qubitro-review --plan-file reads the saved plan ${name} diff left, in memory, writing no plan JSON`, async () => {
    const r = await reviewCli(
      ['--out', 'cdktf.out', '--plan-file', 'cdktf.out/stacks/farm-sensors/plan'],
      project,
      cliOf(flavour).env({ ...process.env, ...requireEngine().env }),
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

  test(`${name} deploy creates them with one POST each and prints their ids and states`, async () => {
    const r = await cli('deploy', 'farm-sensors', '--auto-approve');
    expect(r.code).toBe(0);
    expect(writes(emulator).map((w) => w.call)).toEqual(['POST /connections', 'POST /connections']);
    expect(r.output).toMatch(/ConnectionIds = \{/);
    expect(r.output).toMatch(/"?Uplinks"? = "\d+"/);
    noSecrets(r.output);
  });

  test(`the state ${name} deploy wrote holds no secret`, () => {
    const state = path.join(project, 'terraform.farm-sensors.tfstate');
    expect(fs.existsSync(state)).toBe(true);
    noSecrets(fs.readFileSync(state, 'utf8'));
  });

  test(`${name} destroy deletes exactly what it created`, async () => {
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
});

// The demo on cdktf is test/lifecycle/demo.test.ts; its cdktn flavour runs here, beside the cdktn CLI suite.
describe('npm run demo -- --flavour cdktn', () => {
  const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-demo-cdktn-'));
  const demo = (...args: string[]) =>
    run(
      path.join(root, 'node_modules/.bin/tsx'),
      [path.join(root, 'scripts/demo.ts'), '--flavour', 'cdktn', ...args],
      root,
      { ...process.env, QUBITRO_DEMO_DIR: demoDir },
    );

  afterAll(() => fs.rmSync(demoDir, { recursive: true, force: true }));

  test('deploys the example with cdktn, then re-plans both stacks with no changes', async () => {
    const r = await demo();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('==> cdktn deploy farm-sensors fleet-trackers');
    expect(r.stdout).toContain('farm-sensors: no changes\nfleet-trackers: no changes');
    const stack = path.join(demoDir, 'cdktf.out', 'stacks', 'farm-sensors', 'cdk.tf.json');
    expect(JSON.parse(fs.readFileSync(stack, 'utf8'))['//'].metadata.version).toBe(
      FLAVOURS.cdktn.framework.version,
    );
  }, 300_000);

  test('--destroy removes every connection it created', async () => {
    const r = await demo('--destroy');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Destroyed. Connections left on the emulator: 0');
  }, 300_000);
});
