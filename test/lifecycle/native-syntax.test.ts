/**
 * `iotflow_override.tf` (src/native-syntax.ts) restates the connections' attributes in native syntax. The
 * engine must read the same configuration from it as from `cdk.tf.json` alone: the same plan, the same
 * requests, and no change on the next plan.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, RunningEmulator } from '../../emulator';
import { NATIVE_OVERRIDE_FILE } from '../../src/native-syntax';
import { engineBinaries, Workspace, writes } from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';

describe.each(engineBinaries())('on %s', (binary) => {
  let emulator: RunningEmulator;
  let ws: Workspace;

  beforeAll(async () => {
    emulator = await startEmulator();
    ws = new Workspace(emulator, 'project', binary);
    ws.synth({
      projectId: PROJECT,
      connections: [
        { id: 'Uplinks', name: 'Farm uplinks 100% é → ok', description: 'Tanks & pumps: {x} $ %' },
        { id: 'Backup', name: 'Farm backup', active: false, uplinkTimeValidity: '5m', downlinkPort: 15 },
        { id: 'Calm', name: 'Farm calm', reconnectStrategy: 'CALM', sendMetadata: true },
      ],
    });
  }, 300_000);

  afterAll(async () => {
    ws?.dispose();
    await emulator?.close();
  });

  /** The plan's changes and output values as `show -json` prints them. */
  async function plannedChanges(): Promise<unknown> {
    const file = path.join(ws.dir, 'native.plan');
    ws.expectOk(await ws.tofu('plan', '-input=false', `-out=${file}`));
    const shown = JSON.parse(ws.expectOk(await ws.tofu('show', '-json', file)).stdout);
    return { changes: shown.resource_changes, outputs: shown.output_changes };
  }

  test('plans the same with the override file as with cdk.tf.json alone', async () => {
    const override = path.join(ws.stackDir, NATIVE_OVERRIDE_FILE);
    expect(fs.readFileSync(override, 'utf8')).toContain('resource "iotflow_connection"');
    const withOverride = await plannedChanges();
    const aside = `${override}.aside`;
    fs.renameSync(override, aside);
    try {
      expect(await plannedChanges()).toEqual(withOverride);
    } finally {
      fs.renameSync(aside, override);
    }
  }, 300_000);

  test('sends the text of cdk.tf.json, and the next plan changes nothing', async () => {
    const mark = emulator.requests().length;
    await ws.apply();
    const posted = writes(emulator, mark).map(
      (r) => r.body as { name: string; configuration: { description?: string } },
    );
    expect(posted.map((b) => b.name).sort()).toEqual([
      'Farm backup',
      'Farm calm',
      'Farm uplinks 100% é → ok',
    ]);
    expect(posted.map((b) => b.configuration.description)).toContain('Tanks & pumps: {x} $ %');
    expect((await ws.plan()).code).toBe(0);
  }, 300_000);
});
