/**
 * Plans say what changes and nothing else: on a 10-connection stack, a no-change plan prints no warning, and
 * a plan that changes one field of one connection shows no other connection and no warning.
 */
import { RunningEmulator, startEmulator } from '../../emulator';
import { QubitroProjectConnection } from '../../src';
import { Workspace } from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
const ten: QubitroProjectConnection[] = Array.from({ length: 10 }, (_, i) => ({
  id: `Route${i + 1}`,
  name: `Route ${i + 1}`,
}));

let emulator: RunningEmulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  ws = new Workspace(emulator);
  ws.synth({ projectId: PROJECT, connections: ten });
  await ws.apply();
});

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
});

test('a no-change plan of 10 connections prints no warning', async () => {
  const plan = await ws.plan();
  expect(plan.code).toBe(0);
  expect(plan.output).not.toMatch(/Warning/);
  expect(plan.output).toMatch(/No changes/);
});

test('changing one field of one connection shows that connection only, no unknown output and no warning', async () => {
  ws.synth({
    projectId: PROJECT,
    connections: ten.map((c, i) => (i === 3 ? { ...c, description: 'moved to barn 2' } : c)),
  });
  const plan = await ws.plan();
  expect(plan.code).toBe(2);
  expect(plan.output).not.toMatch(/Warning/);
  expect(plan.output).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy/);
  expect(plan.output.match(/will be updated in-place/g)).toHaveLength(1);
  expect(plan.output).toMatch(/iotflow_connection\.Route4_\w+ will be updated in-place/);
  expect(plan.output).not.toMatch(/Changes to Outputs/);
});
