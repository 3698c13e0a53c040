/**
 * Upgrading a stack deployed with release 0.1 (each connection a `restful_resource` of magodo/restful) to the
 * current constructs (`iotflow_connection`), on the real engine against the emulator: the constructs' moved
 * blocks and the provider's MoveResourceState turn the 0.1 state into the new one without a POST or DELETE.
 *
 * The 0.1 state is genuine: the stack 0.1 synthesized (fixtures/v0.1-project.cdk.tf.json) is deployed with an
 * engine whose mirror also serves magodo/restful 0.25.2. The state then names that provider, so the upgrading
 * run needs it too; once upgraded, the ordinary engine (iotflow only) is enough.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine, installEngine, RESTFUL_PROVIDER } from '../../engine/engine';
import { fingerprint, startEmulator, RunningEmulator } from '../../emulator';
import { QubitroProjectConnection } from '../../src';
import {
  connectionCalls,
  requireEngine,
  run,
  RunResult,
  stateOf,
  Workspace,
  writes,
} from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
// As in the fixture: the same construct ids give the same logical ids in both releases.
const uplinks: QubitroProjectConnection = { id: 'Uplinks', name: 'Farm uplinks', uplinkTimeValidity: '5m' };
const backup: QubitroProjectConnection = { id: 'Backup', name: 'Farm backup', reconnectStrategy: 'CALM' };
const ADDRESSES = ['Uplinks_0B1B410F', 'Backup_DA3807AC'];
const FIXTURE = path.join(__dirname, 'fixtures', 'v0.1-project.cdk.tf.json');

let emulator: RunningEmulator;
let ws: Workspace;
/** OpenTofu with both iotflow and magodo/restful in its mirror. */
let withRestful: Engine;
let ids01: Record<string, string>;

beforeAll(async () => {
  // Built once (about a minute), then cached; blocking, so before the in-process emulator starts.
  withRestful = installEngine({
    extraProviders: [RESTFUL_PROVIDER],
    log: (m) => process.stderr.write(`[engine+restful] ${m}\n`),
  });
  emulator = await startEmulator({ settleMs: 0 });
  ws = new Workspace(emulator);
}, 20 * 60_000);

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
});

/** The engine with restful, in `dir` (default: the workspace's stack folder) with the workspace's variables. */
function tofu(args: string[], dir = ws.stackDir, engine = withRestful): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...engine.env, TF_IN_AUTOMATION: '1' };
  for (const [k, v] of Object.entries(ws.vars)) env[`TF_VAR_${k}`] = v;
  return run(engine.binaryName, [...args, '-no-color'], dir, env);
}

async function ok(p: Promise<RunResult>): Promise<RunResult> {
  const r = await p;
  if (r.code !== 0) throw new Error(`engine failed (exit ${r.code}):\n${r.output.slice(-6000)}`);
  return r;
}

const statePath = () => path.join(ws.dir, 'terraform.tfstate');
const stateText = () => fs.readFileSync(statePath(), 'utf8');
const managed = () =>
  (JSON.parse(stateText()).resources as { mode: string; type: string; name: string }[])
    .filter((r) => r.mode === 'managed')
    .map((r) => `${r.type}.${r.name}`)
    .sort();

async function outputs(): Promise<Record<string, unknown>> {
  const r = await ok(tofu(['output', '-json']));
  return Object.fromEntries(
    Object.entries(JSON.parse(r.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]),
  );
}

describe('a stack deployed with 0.1', () => {
  test('deploys with restful_resource: two POSTs, and the signing key in its state', async () => {
    const json = fs
      .readFileSync(FIXTURE, 'utf8')
      .replaceAll('@@EMULATOR_URL@@', emulator.url)
      .replaceAll('@@STATE_PATH@@', statePath());
    fs.mkdirSync(ws.stackDir, { recursive: true });
    fs.writeFileSync(path.join(ws.stackDir, 'cdk.tf.json'), json);
    const mark = emulator.requests().length;
    await ok(tofu(['init', '-input=false']));
    await ok(tofu(['apply', '-auto-approve', '-input=false']));
    expect(writes(emulator, mark).map((r) => r.call)).toEqual(['POST /connections', 'POST /connections']);
    expect(managed()).toEqual(ADDRESSES.map((a) => `restful_resource.${a}`).sort());
    // What the upgrade must not carry over: restful keeps write_only_attrs in state.
    expect(stateText()).toContain(ws.vars.qubitro_webhook_signing_key);
    ids01 = (await outputs()) as Record<string, string>;
    expect(ids01.UplinksId).toMatch(/^\d+$/);
    expect(ids01.BackupId).toMatch(/^\d+$/);
  });
});

describe('upgrading it to the current constructs', () => {
  test('the new stack moves each restful_resource to iotflow_connection at the same logical id', () => {
    ws.synth({ projectId: PROJECT, connections: [uplinks, backup] });
    const tf = JSON.parse(fs.readFileSync(path.join(ws.stackDir, 'cdk.tf.json'), 'utf8'));
    expect(tf.moved).toEqual(
      ADDRESSES.map((a) => ({ from: `restful_resource.${a}`, to: `iotflow_connection.${a}` })),
    );
    expect(tf.terraform.required_providers).not.toHaveProperty('restful');
  });

  test('needs magodo/restful at init: the state still names it', async () => {
    // A copy without .terraform, run with the ordinary engine (iotflow only): init must resolve restful for
    // the state. Offline it fails naming the provider; with a registry it would download it.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-upgrade-'));
    try {
      const tf = JSON.parse(fs.readFileSync(path.join(ws.stackDir, 'cdk.tf.json'), 'utf8'));
      tf.terraform.backend.local.path = path.join(copy, 'terraform.tfstate');
      fs.copyFileSync(statePath(), path.join(copy, 'terraform.tfstate'));
      fs.mkdirSync(path.join(copy, 'stack'));
      fs.writeFileSync(path.join(copy, 'stack', 'cdk.tf.json'), JSON.stringify(tf));
      const r = await tofu(['init', '-input=false'], path.join(copy, 'stack'), requireEngine());
      expect(r.output).toContain('magodo/restful');
      if (r.code !== 0)
        expect(r.output).toMatch(/Failed to (resolve|query) provider packages|could not connect/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('plans the moves as in-place updates: nothing created or destroyed, no write while planning', async () => {
    await ok(tofu(['init', '-input=false']));
    const mark = emulator.requests().length;
    const r = await ok(tofu(['plan', '-input=false', '-out=upgrade.tfplan']));
    for (const a of ADDRESSES) {
      expect(r.stdout).toContain(`# iotflow_connection.${a} will be updated in-place`);
      expect(r.stdout).toContain(`# (moved from restful_resource.${a})`);
    }
    expect(r.stdout).toContain('Plan: 0 to add, 2 to change, 0 to destroy.');
    expect(writes(emulator, mark)).toEqual([]);

    const plan = JSON.parse((await ok(tofu(['show', '-json', 'upgrade.tfplan']))).stdout);
    const changes = (plan.resource_changes as any[]).filter((c) => c.mode === 'managed');
    expect(changes.map((c) => [c.address, c.previous_address, c.change.actions.join('+')]).sort()).toEqual(
      ADDRESSES.map((a) => [`iotflow_connection.${a}`, `restful_resource.${a}`, 'update']).sort(),
    );
    // The update is the fingerprint only: same id, name and configuration, no key in the plan.
    for (const c of changes) {
      expect(c.change.before.id).toBe(c.change.after.id);
      expect(c.change.before.configuration).toBe(c.change.after.configuration);
      expect(c.change.before.secrets_fingerprint).toBeNull();
      expect(c.change.after_unknown.secrets_fingerprint).toBe(true);
    }
    expect(JSON.stringify(plan)).not.toContain(ws.vars.qubitro_webhook_signing_key);
    fs.rmSync(path.join(ws.stackDir, 'upgrade.tfplan'));
  });

  test('applies with 0 POST and 0 DELETE: one PUT per connection sends its key to record the fingerprint', async () => {
    const mark = emulator.requests().length;
    await ok(tofu(['apply', '-auto-approve', '-input=false']));
    const w = writes(emulator, mark);
    expect(w.filter((r) => r.method === 'POST')).toEqual([]);
    expect(w.filter((r) => r.method === 'DELETE')).toEqual([]);
    // The moved state has no fingerprint (0.1 kept the key itself, which the move drops), so the first apply
    // PUTs each connection once, whole and with its key, and stores the fingerprint of what it sent.
    expect(w.map((r) => r.call).sort()).toEqual(
      [`PUT /connections/${ids01.UplinksId}`, `PUT /connections/${ids01.BackupId}`].sort(),
    );
    for (const r of w) {
      expect(r.body).toMatchObject({
        connectorId: 'actility-http-iot',
        brand: 'QUBITRO',
        configuration: {
          headers: {
            projectId: PROJECT,
            webhookSigningKey: fingerprint(ws.vars.qubitro_webhook_signing_key),
          },
        },
      });
    }
    expect(connectionCalls(emulator, mark).filter((r) => r.method === 'POST')).toEqual([]);
  });

  test('keeps the connection ids, and both connections stay OPENED', async () => {
    const ids = (await outputs()).ConnectionIds as Record<string, string>;
    expect(ids).toEqual({ Uplinks: ids01.UplinksId, Backup: ids01.BackupId });
    expect(await stateOf(emulator, ids.Uplinks)).toBe('OPENED');
    expect(await stateOf(emulator, ids.Backup)).toBe('OPENED');
  });

  test('leaves a state without restful and without the signing key', () => {
    expect(managed()).toEqual(ADDRESSES.map((a) => `iotflow_connection.${a}`).sort());
    const text = stateText();
    expect(text).not.toContain('magodo/restful');
    expect(text).not.toContain(ws.vars.qubitro_webhook_signing_key);
    expect(text).toContain('"secrets_fingerprint": "hmac-sha256:');
  });

  test('a re-plan has no changes and writes nothing', async () => {
    const mark = emulator.requests().length;
    const r = await tofu(['plan', '-input=false', '-detailed-exitcode']);
    expect(r.code).toBe(0);
    expect(writes(emulator, mark)).toEqual([]);
  });

  test('from then on the ordinary engine (iotflow only) is enough, and still plans no changes', async () => {
    const mark = emulator.requests().length;
    // Workspace runs `init` with the ordinary engine first, which drops restful from the lock file.
    const r = await ws.plan();
    expect(r.code).toBe(0);
    expect(writes(emulator, mark)).toEqual([]);
    expect(fs.readFileSync(path.join(ws.stackDir, '.terraform.lock.hcl'), 'utf8')).not.toContain('restful');
  });
});

describe('a stack that never ran 0.1', () => {
  test('its moved blocks are no-ops: no restful at init, no warning, two POSTs, then no changes', async () => {
    const fresh = new Workspace(emulator, 'fresh');
    try {
      fresh.synth({
        projectId: PROJECT,
        connections: [
          { ...uplinks, name: 'Fresh uplinks' },
          { ...backup, name: 'Fresh backup' },
        ],
      });
      const mark = emulator.requests().length;
      const init = fresh.expectOk(await fresh.tofu('init', '-input=false'));
      expect(init.output).not.toContain('restful');
      const r = await fresh.apply();
      expect(r.output).not.toMatch(/warning|moved/i);
      expect(writes(emulator, mark).map((x) => x.call)).toEqual(['POST /connections', 'POST /connections']);
      const again = await fresh.plan();
      expect(again.code).toBe(0);
      expect(again.output).not.toMatch(/warning|moved/i);
    } finally {
      fresh.dispose();
    }
  });
});
