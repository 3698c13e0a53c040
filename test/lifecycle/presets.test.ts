/**
 * Presets on the real engine against the emulator, one of each secret kind: a header (DATACAKE's
 * `Authorization: Token …`), a query parameter of the destination URL (TAGO's `?authorization=`) and a
 * configuration field (OPINUM's `password`). Create, a plan with nothing changed, a rotation of one secret
 * then of the other two, and a destroy; the request log shows which secret each call carried (as its
 * fingerprint), and the state never holds one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { fingerprint, startEmulator, RunningEmulator } from '../../emulator';
import { DatacakeConnection, IotFlowApi, OpinumConnection, TagoConnection } from '../../src';
import { main } from '../../src/review/cli';
import { sensitiveVariable } from '../../src/secrets';
import { callApi, CLIENT_ID, CLIENT_SECRET, engineBinaries, Workspace, writes } from '../support/engine';

const KEYS = { tago: 'tago-key-1+/=', datacake: 'datacake-token-1', opinum: 'opinum-pass-1' };

/** The stack: one endpoint, one connection per secret kind, each secret from its own variable. */
function synthPresets(ws: Workspace, emulator: RunningEmulator): void {
  const app = new App({ outdir: path.join(ws.dir, 'out') });
  const stack = new TerraformStack(app, 'project');
  new LocalBackend(stack, { path: path.join(ws.dir, 'terraform.tfstate') });
  const secret = (name: string) => sensitiveVariable(stack, name, `${name}.`).stringValue;
  const api = new IotFlowApi(stack, 'Api', {
    baseUrl: emulator.baseUrl,
    clientId: CLIENT_ID,
    clientSecret: secret('thingpark_client_secret'),
  });
  new TagoConnection(stack, 'Tago', { api, name: 'to tago', authorization: secret('tago_authorization') });
  new DatacakeConnection(stack, 'Datacake', {
    api,
    name: 'to datacake',
    accessToken: secret('datacake_token'),
  });
  new OpinumConnection(stack, 'Opinum', {
    api,
    name: 'to opinum',
    username: 'farm@example.com',
    password: secret('opinum_password'),
  });
  app.synth();
}

function setKeys(ws: Workspace, keys: typeof KEYS): void {
  ws.vars.tago_authorization = keys.tago;
  ws.vars.datacake_token = keys.datacake;
  ws.vars.opinum_password = keys.opinum;
}

/** What each write carried, by connection name: the TAGO URL, the DATACAKE header, the OPINUM field. */
function carried(emulator: RunningEmulator, since: number): Record<string, string> {
  return Object.fromEntries(
    writes(emulator, since)
      .filter((w) => w.method !== 'DELETE')
      .map((w) => {
        const body = w.body as any;
        const c = body.configuration;
        return [body.name, c.password ?? c.headers?.Authorization ?? c.destinationURL];
      }),
  );
}

describe.each(engineBinaries())('presets on %s', (binary) => {
  let emulator: RunningEmulator;
  let ws: Workspace;

  beforeAll(async () => {
    emulator = await startEmulator({ settleMs: 0 });
    ws = new Workspace(emulator, 'project', binary);
    ws.vars.thingpark_client_secret = CLIENT_SECRET;
    setKeys(ws, KEYS);
    synthPresets(ws, emulator);
  });

  afterAll(async () => {
    ws?.dispose();
    await emulator?.close();
  });

  test('an apply creates each connection once with its secret where its brand takes it', async () => {
    const mark = emulator.requests().length;

    await ws.apply();

    expect(writes(emulator, mark).map((w) => w.method)).toEqual(['POST', 'POST', 'POST']);
    expect(carried(emulator, mark)).toEqual({
      'to tago': `https://actility.middleware.tago.io/uplink?authorization=${fingerprint(KEYS.tago)}`,
      'to datacake': fingerprint(`Token ${KEYS.datacake}`),
      'to opinum': fingerprint(KEYS.opinum),
    });
  }, 300_000);

  test('the state holds no secret, and the TAGO URL with its parameter masked', async () => {
    const state = fs.readFileSync(path.join(ws.dir, 'terraform.tfstate'), 'utf8');

    for (const key of Object.values(KEYS)) expect(state).not.toContain(key);
    expect(state).not.toContain(encodeURIComponent(KEYS.tago));
    expect(state).toContain('uplink?authorization=*****');
  });

  test('a plan with nothing changed shows no change: masked reads are no drift', async () => {
    const r = await ws.plan();

    expect(r.code).toBe(0);
  }, 300_000);

  test('the review of a TAGO rotation shows that key rotated, the others unchanged, and no secret', async () => {
    setKeys(ws, { ...KEYS, tago: 'tago-key-2' });
    ws.expectOk(await ws.tofu('plan', '-input=false', '-out=p'));
    const planJson = path.join(ws.dir, 'plan.json');
    fs.writeFileSync(planJson, ws.expectOk(await ws.tofu('show', '-json', 'p')).stdout);
    let review = '';

    const code = main(
      ['--out', path.join(ws.dir, 'out'), '--plan', planJson],
      (t) => (review += t),
      () => undefined,
    );

    const row = (name: string) => review.split('\n').find((l) => l.includes(name)) ?? '';
    expect(code).toBe(0);
    expect(row('to tago')).toContain('authorization: **rotated** (from `TF_VAR_tago_authorization`)');
    expect(row('to tago')).toContain('TagoIO (default)');
    expect(row('to datacake')).toContain('access token: **unchanged** (from `TF_VAR_datacake_token`)');
    expect(row('to opinum')).toContain('`farm@example.com`');
    expect(row('to opinum')).toContain('password: **unchanged** (from `TF_VAR_opinum_password`)');
    for (const key of [...Object.values(KEYS), 'tago-key-2']) expect(review).not.toContain(key);
  }, 300_000);

  test('rotating the TAGO key updates that connection only, sending the whole new URL', async () => {
    const rotated = { ...KEYS, tago: 'tago-key-2' };
    setKeys(ws, rotated);
    const mark = emulator.requests().length;

    await ws.apply();

    expect(writes(emulator, mark).map((w) => w.method)).toEqual(['PUT']);
    expect(carried(emulator, mark)).toEqual({
      'to tago': `https://actility.middleware.tago.io/uplink?authorization=${fingerprint('tago-key-2')}`,
    });
  }, 300_000);

  test('rotating the header and the field secrets updates those two connections only', async () => {
    const rotated = { tago: 'tago-key-2', datacake: 'datacake-token-2', opinum: 'opinum-pass-2' };
    setKeys(ws, rotated);
    const mark = emulator.requests().length;

    await ws.apply();

    expect(writes(emulator, mark).map((w) => w.method)).toEqual(['PUT', 'PUT']);
    expect(carried(emulator, mark)).toEqual({
      'to datacake': fingerprint('Token datacake-token-2'),
      'to opinum': fingerprint('opinum-pass-2'),
    });
  }, 300_000);

  test('a destroy deletes each connection once', async () => {
    const mark = emulator.requests().length;

    const r = await ws.tofu('destroy', '-auto-approve', '-input=false');

    expect(r.code).toBe(0);
    expect(writes(emulator, mark).map((w) => w.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
    expect((await callApi(emulator, 'GET', '/connections')).body).toEqual([]);
  }, 300_000);
});
