/**
 * Opt-in state and plan encryption on OpenTofu: an unencrypted state migrates on the next apply, after which
 * neither the state nor a saved plan holds a connection name, id or secret in clear: a saved plan is no
 * longer a zip, and only the passphrase makes it readable again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { Workspace } from '../support/engine';
import { savedPlanEntries } from '../support/saved-plan';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
const NAME = 'Encrypted farm uplinks';
const PASSPHRASE = 'correct-horse-battery-staple-42';
let emulator: RunningEmulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ settleMs: 0 });
  ws = new Workspace(emulator);
  ws.vars.state_passphrase = PASSPHRASE;
});

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
});

const connections = [{ id: 'Uplinks', name: NAME }];
const stateText = () => fs.readFileSync(path.join(ws.dir, 'terraform.tfstate'), 'utf8');

test('an unencrypted state is migrated on the next apply and then holds no name, id or secret in clear', async () => {
  ws.synth({ projectId: PROJECT, connections });
  await ws.apply();
  const id = (await ws.connectionIds()).Uplinks;
  expect(stateText()).toContain(NAME);

  ws.synth({ projectId: PROJECT, connections, encryptionPassphraseVariable: 'state_passphrase' });
  await ws.apply();
  const state = stateText();
  expect(state).toContain('"encrypted_data"');
  for (const clear of [NAME, `"${id}"`, PROJECT, ws.vars.qubitro_webhook_signing_key])
    expect(state).not.toContain(clear);
  expect((await ws.connectionIds()).Uplinks).toBe(id);
});

test('a saved plan is encrypted too: unreadable without the passphrase, readable with it, and a re-plan has no changes', async () => {
  ws.synth({
    projectId: PROJECT,
    connections: [{ ...connections[0], description: 'changed' }],
    encryptionPassphraseVariable: 'state_passphrase',
  });
  expect((await ws.tofu('plan', '-input=false', '-out=encrypted.tfplan')).code).toBe(0);
  const file = path.join(ws.stackDir, 'encrypted.tfplan');

  // Not a zip any more: a plain saved plan unzips into entries that hold the name (see cdktf-cli.test.ts).
  expect(() => savedPlanEntries(file)).toThrow();
  const bytes = fs.readFileSync(file).toString('latin1');
  for (const clear of [NAME, 'changed', PROJECT]) expect(bytes).not.toContain(clear);
  ws.vars.state_passphrase = 'a-wrong-passphrase-for-this-plan';
  const wrong = await ws.tofu('show', '-json', 'encrypted.tfplan');
  ws.vars.state_passphrase = PASSPHRASE;
  expect(wrong.code).not.toBe(0);
  for (const clear of [NAME, 'changed', PROJECT]) expect(wrong.output).not.toContain(clear);
  const shown = await ws.tofu('show', '-json', 'encrypted.tfplan');
  expect(shown.code).toBe(0);
  for (const clear of [NAME, 'changed', PROJECT]) expect(shown.stdout).toContain(clear);

  await ws.apply('encrypted.tfplan');
  expect((await ws.plan()).code).toBe(0);
});

test('without the passphrase the state cannot be read, and the error says which variable to set', async () => {
  delete ws.vars.state_passphrase;
  const r = await ws.plan();
  expect(r.code).toBe(1);
  expect(r.output).toMatch(/state_passphrase/);
  ws.vars.state_passphrase = PASSPHRASE;
});
