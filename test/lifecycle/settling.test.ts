/**
 * Asynchronous states on the real engine: a connection that is still CLOSED or OPENING right after a change
 * is waited for once per endpoint, never reported as failed while it settles, and reported by name when it
 * does not reach its expected state.
 */
import { RunningEmulator, startEmulator } from '../../emulator';
import { control, stateOf, Workspace } from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
let emulator: RunningEmulator;
let ws: Workspace;

afterEach(async () => {
  ws?.dispose();
  await emulator?.close();
});

test('connections that reach OPENED within the settle window are waited for and not warned about', async () => {
  emulator = await startEmulator({ settleMs: 2_000 });
  ws = new Workspace(emulator);
  ws.synth({
    projectId: PROJECT,
    connections: [
      { id: 'Uplinks', name: 'Farm uplinks' },
      { id: 'Standby', name: 'Farm standby', active: false },
    ],
  });
  const apply = await ws.apply();
  expect(apply.output).not.toMatch(/Warning/);
  const ids = await ws.connectionIds();
  expect(await stateOf(emulator, ids.Uplinks)).toBe('OPENED');
  expect(await stateOf(emulator, ids.Standby)).toBe('DEACTIVATED');
});

test('a connection still settling when the wait ends is reported as settling, not as failed', async () => {
  emulator = await startEmulator({ settleMs: 60_000 });
  ws = new Workspace(emulator);
  ws.synth({
    projectId: PROJECT,
    settleTimeoutSeconds: 1,
    connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],
  });
  const text = (await ws.apply()).output.replace(/\s+/g, ' ');
  expect(text).toMatch(/"Farm uplinks" \(id \d+\) is still (CLOSED|OPENING)/);
  expect(text).not.toMatch(/is (CLOSED|OPENING); expected/);
});

test('a connection whose destination is unreachable ends CLOSED and is reported by name', async () => {
  emulator = await startEmulator({ settleMs: 600 });
  ws = new Workspace(emulator);
  await control(emulator, 'unreachable', {
    destinationURL: 'https://webhook.qubitro.com/integrations/actility',
  });
  ws.synth({ projectId: PROJECT, connections: [{ id: 'Uplinks', name: 'Farm uplinks' }] });
  const text = (await ws.apply()).output.replace(/\s+/g, ' ');
  expect(text).toMatch(/"Farm uplinks" \(id \d+\) is CLOSED; expected OPENED/);
  expect(await stateOf(emulator, (await ws.connectionIds()).Uplinks)).toBe('CLOSED');
});
