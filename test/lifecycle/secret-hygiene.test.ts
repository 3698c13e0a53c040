/**
 * Secret hygiene end to end: synth, plan, apply, a failing apply, a key rotation, the review summary and the
 * demo, with probe secrets; every output, synthesized file, log, saved plan, plan JSON and state file is
 * searched for them; on each engine, DEBUG and TRACE logs, a saved plan (unzipped) and the failures of a
 * token endpoint too. Every secret is searched in all its forms (test/support/secret-forms.ts). Secrets are
 * write-only and their variables ephemeral, so no file holds them.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { control, engineBinaries, reviewCli, run, Workspace, writes } from '../support/engine';
import { savedPlanText } from '../support/saved-plan';
import { findSecrets } from '../support/secret-forms';

// Characters JSON, Go's JSON, Markdown, URLs and forms all escape, so every escaped form is searched for.
const CLIENT_SECRET = 'probe-client/secret+9a8b=7c&6d<5e>"q';
const SIGNING_KEY = 'probe-signing/key+1f2e=3d&4c<5b>"q';
const ROTATED_KEY = 'probe-rotated/key+6a7b=8c&9d<0e>"q';
const SECRETS = [CLIENT_SECRET, SIGNING_KEY, ROTATED_KEY];
const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
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

/** `where: secret #i (form)` for every secret found, in any form, in any of the texts. */
function hits(texts: Record<string, string>, secrets: readonly string[]): string[] {
  return Object.entries(texts).flatMap(([where, text]) =>
    findSecrets(text, secrets).map((l) => `${where}: secret #${l.index} (${l.kind})`),
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
      projectId: PROJECT,
      connections: [{ id: 'Uplinks', name: 'Uplinks' }],
    });
    const outputs: Record<string, string> = {};
    outputs.plan = (await ws.plan()).output;
    outputs.apply = (await ws.apply()).output;
    ws.synth({
      projectId: PROJECT,
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
    outputs.savedPlan = savedPlanText(path.join(ws.stackDir, 'rotate.tfplan'));
    // Unzipped, the plan's own content is readable: the search below reads it, not deflated bytes.
    expect(outputs.savedPlan).toContain(PROJECT);
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
    expect(hits(outputs, SECRETS)).toEqual([]);
  } finally {
    delete process.env.TF_LOG;
    delete process.env.TF_LOG_PATH;
  }
});

/** A token endpoint that answers 400 quoting the whole request, credentials included (a real habit). */
async function echoingTokenEndpoint(): Promise<{ url: string; calls: () => number; close: () => void }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const quoted = `${req.headers.authorization ?? ''} ${Buffer.concat(chunks).toString('utf8')}`;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: `cannot parse: ${quoted}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/token`, calls: () => calls, close: () => server.close() };
}

describe.each(engineBinaries())('on %s', (binary) => {
  const connections = [{ id: 'Uplinks', name: 'Uplinks' }];
  let em: RunningEmulator;
  let w: Workspace;

  beforeAll(async () => {
    em = await startEmulator({ clientSecret: CLIENT_SECRET });
    w = new Workspace(em, 'project', binary);
    w.vars.thingpark_client_secret = CLIENT_SECRET;
    w.vars.qubitro_webhook_signing_key = SIGNING_KEY;
    w.synth({ projectId: PROJECT, connections });
  });

  afterAll(async () => {
    w?.dispose();
    await em?.close();
  });

  /** Runs `body` with the engine logging at `level` into a fresh file; returns the log. */
  async function logged(level: string, body: () => Promise<void>): Promise<string> {
    const log = path.join(w.dir, `${binary}-${level}-${Date.now()}.log`);
    process.env.TF_LOG = level;
    process.env.TF_LOG_PATH = log;
    try {
      await body();
    } finally {
      delete process.env.TF_LOG;
      delete process.env.TF_LOG_PATH;
    }
    return fs.readFileSync(log, 'utf8');
  }

  test.each([
    ['DEBUG', ROTATED_KEY],
    ['TRACE', SIGNING_KEY],
  ])('a plan and an apply writing the key log no secret in any form at TF_LOG=%s', async (level, key) => {
    const outputs: Record<string, string> = {};
    w.vars.qubitro_webhook_signing_key = key;
    const since = em.requests().length;
    outputs.log = await logged(level, async () => {
      outputs.plan = (await w.plan()).output;
      outputs.apply = (await w.apply()).output;
    });

    // The key went over the wire (a POST, then a PUT for the rotation) while the engine and provider logged.
    expect(writes(em, since).length).toBeGreaterThan(0);
    expect(outputs.log).toContain('iotflow');
    expect(outputs.log.length).toBeGreaterThan(level === 'TRACE' ? 100_000 : 10_000);
    expect(hits(outputs, SECRETS)).toEqual([]);
  });

  test('a saved plan of a rotation, unzipped, holds the project but no secret in any form', async () => {
    w.vars.qubitro_webhook_signing_key = ROTATED_KEY;
    expect((await w.tofu('plan', '-input=false', '-out=rotate.tfplan')).code).toBe(0);
    const plan = savedPlanText(path.join(w.stackDir, 'rotate.tfplan'));

    expect(plan).toContain(PROJECT);
    expect(hits({ plan }, SECRETS)).toEqual([]);
  });

  test('failures of the token endpoint (refused, unavailable, echoing the request) print and log no client secret', async () => {
    const WRONG_SECRET = 'probe-wrong/secret+0f1e=2d&3c<4b>"q';
    const outputs: Record<string, string> = {};
    const echo = await echoingTokenEndpoint();
    try {
      outputs.log = await logged('TRACE', async () => {
        w.vars.thingpark_client_secret = WRONG_SECRET;
        const refused = await w.plan();
        w.vars.thingpark_client_secret = CLIENT_SECRET;
        expect(refused.code).toBe(1);
        expect(refused.output).toMatch(/401|invalid_client/);
        outputs.refused = refused.output;

        await control(em, 'faults', [{ path: '/token$', status: 503, times: 1000 }]);
        const unavailable = await w.plan();
        await fetch(`${em.url}/__emulator/faults`, { method: 'DELETE' });
        expect(unavailable.code).toBe(1);
        expect(unavailable.output).toMatch(/503/);
        outputs.unavailable = unavailable.output;

        w.synth({ projectId: PROJECT, connections, tokenUrl: echo.url });
        const echoed = await w.plan();
        w.synth({ projectId: PROJECT, connections });
        expect(echoed.code).toBe(1);
        expect(echoed.output).toMatch(/400/);
        outputs.echoed = echoed.output;
      });
    } finally {
      echo.close();
    }

    expect(echo.calls()).toBeGreaterThan(0);
    expect(hits(outputs, [CLIENT_SECRET, WRONG_SECRET])).toEqual([]);
  });
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
