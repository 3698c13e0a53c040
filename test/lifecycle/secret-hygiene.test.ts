/**
 * Secret hygiene end to end: synth, plan, apply, a failing apply, a key rotation, the review summary and the
 * demo, with probe secrets; every output, synthesized file, log, saved plan, plan JSON and state file is
 * searched for them. Secrets are write-only and their variables ephemeral, so no file holds them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { control, reviewCli, run, Workspace } from '../support/engine';

const CLIENT_SECRET = 'probe-client-secret-9a8b7c6d5e';
const SIGNING_KEY = 'probe-signing-key-1f2e3d4c5b';
const ROTATED_KEY = 'probe-rotated-key-6a7b8c9d0e';
const root = path.resolve(__dirname, '../..');

/** Every file under `dir` except the ones that are meant to hold secrets. */
function filesUnder(dir: string, allowed: RegExp): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((e) => {
    const file = path.join(e.parentPath, e.name);
    return e.isFile() && !allowed.test(file) && !file.includes(`${path.sep}.terraform${path.sep}`)
      ? [file]
      : [];
  });
}

function hits(texts: Record<string, string>, secrets: string[]): string[] {
  return Object.entries(texts).flatMap(([where, text]) =>
    secrets.filter((s) => text.includes(s)).map((s) => `${s} in ${where}`),
  );
}

let emulator: RunningEmulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ clientSecret: CLIENT_SECRET });
  ws = new Workspace(emulator);
  ws.vars.thingpark_client_secret = CLIENT_SECRET;
  ws.vars.qubitro_webhook_signing_key = SIGNING_KEY;
});

afterAll(async () => {
  ws.dispose();
  await emulator.close();
});

test('synth, plan, apply, a failing apply, a rotation, the review, the state, saved plans and INFO logs never contain a secret', async () => {
  const log = path.join(ws.dir, 'tofu.log');
  process.env.TF_LOG = 'INFO';
  process.env.TF_LOG_PATH = log;
  try {
    ws.synth({
      projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
      connections: [{ id: 'Uplinks', name: 'Uplinks' }],
    });
    const outputs: Record<string, string> = {};
    outputs.plan = (await ws.plan()).output;
    outputs.apply = (await ws.apply()).output;
    ws.synth({
      projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
      connections: [
        { id: 'Uplinks', name: 'Uplinks', description: 'changed' },
        { id: 'Second', name: 'Second' },
      ],
    });
    await control(emulator, 'faults', [{ method: 'POST', path: '/connections$', status: 500, times: 1 }]);
    const failing = await ws.tofu('apply', '-auto-approve', '-input=false');
    expect(failing.code).not.toBe(0);
    outputs.failingApply = failing.output;
    outputs.output = (await ws.tofu('output', '-json')).output;
    outputs.stateAfterFailure = fs.readFileSync(path.join(ws.dir, 'terraform.tfstate'), 'utf8');
    // A plan that rotates the key: neither the saved plan, its JSON nor the review holds either key.
    ws.vars.qubitro_webhook_signing_key = ROTATED_KEY;
    expect((await ws.tofu('plan', '-input=false', '-out=rotate.tfplan')).code).toBe(0);
    outputs.savedPlan = fs.readFileSync(path.join(ws.stackDir, 'rotate.tfplan')).toString('latin1');
    const show = await ws.tofu('show', '-json', 'rotate.tfplan');
    expect(show.code).toBe(0);
    outputs.planJson = show.stdout;
    const planFile = path.join(ws.dir, 'plan.json');
    fs.writeFileSync(planFile, show.stdout);
    const review = await reviewCli(['--out', path.join(ws.dir, 'out'), '--plan', `project=${planFile}`]);
    expect(review.code).toBe(0);
    expect(review.stdout).toMatch(/rotated/);
    outputs.review = review.output;
    outputs.rotationApply = (await ws.apply()).output;
    outputs.stateAfterRotation = fs.readFileSync(path.join(ws.dir, 'terraform.tfstate'), 'utf8');
    ws.vars.qubitro_webhook_signing_key = SIGNING_KEY;
    for (const file of filesUnder(path.join(ws.dir, 'out'), /\.tfstate/))
      outputs[file] = fs.readFileSync(file, 'utf8');
    outputs.log = fs.readFileSync(log, 'utf8');
    expect(outputs.log.length).toBeGreaterThan(1000);
    expect(hits(outputs, [CLIENT_SECRET, SIGNING_KEY, ROTATED_KEY])).toEqual([]);
  } finally {
    delete process.env.TF_LOG;
    delete process.env.TF_LOG_PATH;
  }
});

test('the demo prints and leaves no secret outside its secrets file, and writes its state files 0600', async () => {
  const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-demo-'));
  try {
    const env = { ...process.env, QUBITRO_DEMO_DIR: demoDir };
    const tsx = path.join(root, 'node_modules/.bin/tsx');
    const deploy = await run(tsx, [path.join(root, 'scripts/demo.ts')], root, env);
    expect(deploy.code).toBe(0);
    const destroy = await run(tsx, [path.join(root, 'scripts/demo.ts'), '--destroy'], root, env);
    expect(destroy.code).toBe(0);
    const secrets = Object.values(
      JSON.parse(fs.readFileSync(path.join(demoDir, 'secrets.json'), 'utf8')) as Record<string, string>,
    );
    const texts: Record<string, string> = { deploy: deploy.output, destroy: destroy.output };
    for (const file of filesUnder(demoDir, /secrets\.json$|emulator-state\.json$/))
      texts[file] = fs.readFileSync(file, 'utf8');
    expect(hits(texts, secrets)).toEqual([]);
    const states = filesUnder(demoDir, /^$/).filter((f) => /\.tfstate$/.test(f));
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) expect(fs.statSync(state).mode & 0o777).toBe(0o600);
  } finally {
    fs.rmSync(demoDir, { recursive: true, force: true });
  }
});
