/**
 * Taking over connections that already exist, on the real engine: never silently, explicitly with a plan
 * that shows every field the apply changes or drops, and past the first page of `GET /connections`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { callApi, connectionCalls, reviewCli, stateOf, Workspace, writes } from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
const OTHER_PROJECT = '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b';

let emulator: RunningEmulator;
const workspaces: Workspace[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ settleMs: 0 });
});

afterEach(async () => {
  for (const ws of workspaces.splice(0)) ws.dispose();
  await emulator.close();
});

function workspace(stackId = 'project'): Workspace {
  const ws = new Workspace(emulator, stackId);
  workspaces.push(ws);
  return ws;
}

/** A Qubitro connection made outside this stack (in the UI, or by another stack). */
async function madeElsewhere(name: string, extra: Record<string, unknown> = {}) {
  const { configuration, ...top } = extra as { configuration?: Record<string, unknown> };
  const res = await callApi(emulator, 'POST', '/connections', {
    name,
    connectorId: 'actility-http-iot',
    brand: 'QUBITRO',
    configuration: {
      destinationURL: 'https://webhook.qubitro.com/integrations/actility',
      headers: { projectId: OTHER_PROJECT, webhookSigningKey: 'key-made-in-the-ui-0a1b2c3d' },
      ...configuration,
    },
    ...top,
  });
  expect(res.status).toBe(201);
  return res.body!.id as string;
}

describe('no silent takeover', () => {
  test('a second stack declaring the same name fails its plan naming the first one’s connection and the fixes', async () => {
    const first = workspace('first');
    first.synth({ projectId: PROJECT, connections: [{ id: 'Uplinks', name: 'Farm uplinks' }] });
    await first.apply();
    const id = (await first.connectionIds()).Uplinks;
    const second = workspace('second');
    second.synth({ projectId: OTHER_PROJECT, connections: [{ id: 'Uplinks', name: 'Farm uplinks' }] });
    const mark = emulator.requests().length;
    const plan = await second.plan();
    expect(plan.code).toBe(1);
    const text = plan.output.replace(/\s+/g, ' ');
    expect(text).toContain(`"Farm uplinks" already exists`);
    expect(text).toContain(`id ${id}`);
    expect(text).toMatch(/importFrom/);
    expect(text).toMatch(/adoptExisting/);
    expect(await second.apply().catch((e: Error) => e.message)).toMatch(/already exists/);
    expect(writes(emulator, mark)).toEqual([]);
    expect((await first.plan()).code).toBe(0);
  });

  test('a duplicate name elsewhere on the endpoint does not block a stack whose state holds its connection', async () => {
    const ws = workspace();
    ws.synth({ projectId: PROJECT, connections: [{ id: 'Uplinks', name: 'Farm uplinks' }] });
    await ws.apply();
    await madeElsewhere('Farm uplinks');
    expect((await ws.plan()).code).toBe(0);
  });
});

describe('adoption past the first page', () => {
  test('with 250 other connections, adoptExisting takes the 240th by name with no POST and reads it back', async () => {
    let target = '';
    for (let i = 1; i <= 250; i++) {
      const id = await madeElsewhere(i === 240 ? 'Farm uplinks' : `Other connection ${i}`);
      if (i === 240) target = id;
    }
    const ws = workspace();
    ws.synth({
      projectId: PROJECT,
      connections: [{ id: 'Uplinks', name: 'Farm uplinks', adoptExisting: true }],
    });
    const mark = emulator.requests().length;
    const apply = await ws.apply();
    expect(apply.output).toMatch(/1 imported/);
    const calls = connectionCalls(emulator, mark);
    expect(calls.filter((r) => r.method === 'POST')).toEqual([]);
    // 251 connections are 3 pages: the lookup read past the first.
    expect(calls.filter((r) => r.call === 'GET /connections').length).toBeGreaterThanOrEqual(3);
    expect((await ws.connectionIds()).Uplinks).toBe(target);
    expect(await stateOf(emulator, target)).toBe('OPENED');
    const stored = (await callApi(emulator, 'GET', `/connections/${target}`)).body!;
    expect(stored.configuration.headers.projectId).toBe(PROJECT);
    expect((await ws.plan()).code).toBe(0);
  });
});

describe('explicit adoption shows what it changes', () => {
  const uiExtras = {
    alarms: [{ uplinkRateMinPerHour: 4, recurrence: [{ frequency: 'daily' }], message: 'Quiet barn' }],
    configuration: { reconnectStrategy: 'AGGRESSIVE', description: 'Set up by hand' },
  };

  test('fields the code does not declare show as removed in the plan and the review, and the stack still plans after', async () => {
    const id = await madeElsewhere('Made in the UI', uiExtras);
    const ws = workspace();
    ws.synth({
      projectId: PROJECT,
      connections: [{ id: 'Adopted', name: 'Made in the UI', importFrom: id }],
    });
    const plan = await ws.tofu('plan', '-input=false', '-out=adopt.tfplan');
    expect(plan.code).toBe(0);
    expect(plan.output).toContain(`(imported from "${id}")`);
    expect(plan.output).toMatch(/- reconnectStrategy\s+= "AGGRESSIVE"/);
    expect(plan.output).toMatch(/- description\s+= "Set up by hand"/);
    expect(plan.output).toMatch(/- alarms\s+= jsonencode\(/);
    expect(plan.output).toMatch(/~ projectId\s+= "4b7f2a8e-[0-9a-f-]+" -> "aa62ebe1-/);

    const show = await ws.tofu('show', '-json', 'adopt.tfplan');
    const planFile = path.join(ws.dir, 'adopt.json');
    fs.writeFileSync(planFile, show.stdout);
    const review = await reviewCli(['--out', path.join(ws.dir, 'out'), '--plan', `project=${planFile}`]);
    expect(review.code).toBe(0);
    expect(review.stdout).toMatch(/import, update/);
    expect(review.stdout).toMatch(/reconnectStrategy/);
    expect(review.stdout).toMatch(/AGGRESSIVE/);
    expect(review.stdout).toMatch(/alarms/);

    const mark = emulator.requests().length;
    await ws.apply();
    expect(writes(emulator, mark).map((r) => r.call)).toEqual([`PUT /connections/${id}`]);
    const stored = (await callApi(emulator, 'GET', `/connections/${id}`)).body!;
    expect(stored.alarms).toBeUndefined();
    expect(stored.configuration.reconnectStrategy).toBe('NORMAL');
    expect((await ws.plan()).code).toBe(0);
  });

  test('a field removed in the UI is planned back, never a read error', async () => {
    const ws = workspace();
    ws.synth({
      projectId: PROJECT,
      connections: [
        { id: 'Uplinks', name: 'Farm uplinks', uplinkTimeValidity: '5m', reconnectStrategy: 'CALM' },
      ],
    });
    await ws.apply();
    const id = (await ws.connectionIds()).Uplinks;
    const current = (await callApi(emulator, 'GET', `/connections/${id}`)).body!;
    delete current.configuration.uplinkTimeValidity;
    delete current.configuration.reconnectStrategy;
    current.configuration.headers.webhookSigningKey = ws.vars.qubitro_webhook_signing_key;
    expect((await callApi(emulator, 'PUT', `/connections/${id}`, current)).status).toBe(200);
    const plan = await ws.plan();
    expect(plan.code).toBe(2);
    expect(plan.output).toMatch(/\+ uplinkTimeValidity\s+= "5m"/);
    // Removed in the UI, the field reads back as the server default, so the plan restores it from there.
    expect(plan.output).toMatch(/~ reconnectStrategy\s+= "NORMAL" -> "CALM"/);
    await ws.apply();
    expect((await ws.plan()).code).toBe(0);
  });
});
