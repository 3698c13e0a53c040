/**
 * Which secrets each command needs: a create or an update sends the webhook signing key (write-only), so
 * an apply without it is refused before any write, naming its variable; a destroy sends no signing key and
 * runs without it. The client secret is still needed to destroy: each DELETE carries a token.
 */
import { startEmulator, RunningEmulator } from '../../emulator';
import { callApi, CLIENT_SECRET, engineBinaries, Workspace, writes } from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
const SIGNING_KEY_VARIABLE = 'qubitro_webhook_signing_key';

describe.each(engineBinaries())('on %s', (binary) => {
  let emulator: RunningEmulator;
  let ws: Workspace;

  beforeAll(async () => {
    emulator = await startEmulator();
    ws = new Workspace(emulator, 'project', binary);
    ws.synth({
      projectId: PROJECT,
      connections: [
        { id: 'Uplinks', name: 'Farm uplinks' },
        { id: 'Backup', name: 'Farm backup', active: false },
      ],
    });
    await ws.apply();
  }, 300_000);

  afterAll(async () => {
    ws?.dispose();
    await emulator?.close();
  });

  test('an apply without the signing key fails before any write, naming its variable', async () => {
    const key = ws.vars[SIGNING_KEY_VARIABLE];
    delete ws.vars[SIGNING_KEY_VARIABLE];
    const mark = emulator.requests().length;
    try {
      const r = await ws.tofu('apply', '-auto-approve', '-input=false');
      expect(r.code).not.toBe(0);
      expect(r.output.replace(/\s+/g, ' ')).toContain(`TF_VAR_${SIGNING_KEY_VARIABLE} is not set`);
      expect(writes(emulator, mark)).toEqual([]);
    } finally {
      ws.vars[SIGNING_KEY_VARIABLE] = key;
    }
  }, 300_000);

  test('a destroy without the client secret fails naming its variable, and deletes nothing', async () => {
    const vars = { ...ws.vars };
    for (const k of Object.keys(ws.vars)) delete ws.vars[k];
    const mark = emulator.requests().length;
    try {
      const r = await ws.tofu('destroy', '-auto-approve', '-input=false');
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/thingpark_client_secret/);
      expect(r.output).not.toMatch(new RegExp(SIGNING_KEY_VARIABLE));
      expect(writes(emulator, mark)).toEqual([]);
    } finally {
      Object.assign(ws.vars, vars);
    }
  }, 300_000);

  test('a destroy with only the client secret set deletes each connection once', async () => {
    for (const k of Object.keys(ws.vars)) delete ws.vars[k];
    ws.vars.thingpark_client_secret = CLIENT_SECRET;
    const mark = emulator.requests().length;
    const r = await ws.tofu('destroy', '-auto-approve', '-input=false');
    expect(r.code).toBe(0);
    expect(writes(emulator, mark).map((w) => w.method)).toEqual(['DELETE', 'DELETE']);
    expect((await callApi(emulator, 'GET', '/connections')).body).toEqual([]);
  }, 300_000);
});
