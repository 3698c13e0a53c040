/**
 * qubitro-verify on the real engine: a stack deployed with OpenTofu to the IoT Flow emulator, whose uplinks
 * are routed to the Qubitro emulator; each planted fault is found and named, and no secret shows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  startEmulator,
  startQubitroEmulator,
  type RunningEmulator,
  type RunningQubitroEmulator,
} from '../../emulator';
import { main } from '../../src/review/verify-cli';
import { CLIENT_SECRET, Workspace, callApi, control } from '../support/engine';
import { expectNoSecrets } from '../support/secret-forms';

const PROJECT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OTHER_PROJECT = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
// Characters JSON, Markdown and URLs escape, so every escaped form is searched for.
const SIGNING_KEY = 'verify-signing+key/4f2a=9c&<q>"';
const API_KEY = 'QB_verify-api-key+all/projects';
const SCOPED_KEY = 'QB_verify-api-key+other/project';
const ROTATED_KEY = 'verify-rotated+key/7e1d=0b&<q>"';
const NOBODYS_PROJECT = '00000000-1111-4222-8333-444444444444';
const SECRETS = [SIGNING_KEY, API_KEY, SCOPED_KEY, ROTATED_KEY, CLIENT_SECRET];

let emulator: RunningEmulator;
let qubitro: RunningQubitroEmulator;
let ws: Workspace;

beforeAll(async () => {
  qubitro = await startQubitroEmulator();
  emulator = await startEmulator({ settleMs: 0, routes: { 'webhook.qubitro.com': qubitro.url } });
  ws = new Workspace(emulator);
  ws.vars.qubitro_webhook_signing_key = SIGNING_KEY;
  await deploy(PROJECT);
});

/** Synthesizes the stack for `projectId` and applies it with the engine. */
async function deploy(projectId: string): Promise<void> {
  ws.synth({
    projectId,
    connections: [
      { id: 'Uplinks', name: 'Farm uplinks' },
      { id: 'Backup', name: 'Farm backup' },
    ],
  });
  await ws.apply();
}

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
  await qubitro?.close();
});

/** Qubitro as the test needs it: the project with `key`, and the API keys. */
beforeEach(async () => {
  qubitro.reset();
  qubitro.putProject({ id: PROJECT, name: 'Farm', signingKey: SIGNING_KEY });
  qubitro.putProject({ id: OTHER_PROJECT, name: 'Other', signingKey: 'other-key' });
  qubitro.putApiKey({ key: API_KEY });
  qubitro.putApiKey({ key: SCOPED_KEY, projects: [OTHER_PROJECT] });
  for (const id of Object.values(await ws.connectionIds())) {
    if ((await callApi(emulator, 'GET', `/connections/${id}`)).body?.state !== 'OPENED') {
      await control(emulator, `connections/${id}/state`, { state: 'OPENED' });
    }
  }
});

async function verifyCli(apiKey = API_KEY, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const jsonFile = path.join(ws.dir, 'verify.json');
  const code = await main(
    ['--out', path.join(ws.dir, 'out'), '--uplink', '--json', jsonFile, ...args],
    (t) => (stdout += t),
    (t) => (stderr += t),
    {
      TF_VAR_thingpark_client_secret: CLIENT_SECRET,
      QUBITRO_API_KEY: apiKey,
      QUBITRO_API_URL: qubitro.apiUrl,
    },
  );
  const json = fs.readFileSync(jsonFile, 'utf8');
  for (const [text, where] of [
    [stdout, 'stdout'],
    [stderr, 'stderr'],
    [json, 'the JSON report'],
  ]) {
    expectNoSecrets(text, SECRETS, where);
  }
  return { code, stdout, stderr, report: JSON.parse(json) as { connections: any[] } };
}

const byId = (report: { connections: any[] }, id: string) => report.connections.find((c) => c.id === id);

test('every connection delivers: exit 0, each uplink accepted by its project and its device seen', async () => {
  const r = await verifyCli();

  expect(r.code).toBe(0);
  expect(r.report.connections.map((c) => c.verdict)).toEqual(['delivered', 'delivered']);
  expect(qubitro.uplinks().filter((u) => u.outcome === 'accepted' && u.projectId === PROJECT)).toHaveLength(
    2,
  );
  expect(r.stdout).toContain('2 Qubitro connections: 2 delivered, 0 not delivered.');
});

test('a projectId mistyped in code (a valid UUID of nobody\'s project): "not found", with the fix', async () => {
  await deploy(NOBODYS_PROJECT);
  try {
    const r = await verifyCli();

    expect(r.code).toBe(2);
    const checks = byId(r.report, 'Uplinks').checks;
    expect(checks[0]).toMatchObject({ name: 'IoT Flow', ok: true });
    expect(checks.find((c: any) => c.name === 'Qubitro project').detail).toMatch(/^not found \(/);
    expect(checks.find((c: any) => c.name === 'uplink').fix).toMatch(/projectId is no Qubitro project/);
  } finally {
    await deploy(PROJECT);
  }
});

test('a key rotated in code only (Qubitro keeps the old one): "rejected by Qubitro (key)"', async () => {
  ws.vars.qubitro_webhook_signing_key = ROTATED_KEY;
  await deploy(PROJECT);
  try {
    const r = await verifyCli();

    expect(r.code).toBe(2);
    const checks = byId(r.report, 'Uplinks').checks;
    expect(checks[0]).toMatchObject({ name: 'IoT Flow', ok: true });
    expect(checks.find((c: any) => c.name === 'uplink').detail).toContain('rejected by Qubitro (key');
  } finally {
    ws.vars.qubitro_webhook_signing_key = SIGNING_KEY;
    await deploy(PROJECT);
  }
});

test('a project Qubitro no longer knows (deleted in the portal): "not found", with the fix', async () => {
  qubitro.reset();
  qubitro.putApiKey({ key: API_KEY });

  const r = await verifyCli();

  expect(r.code).toBe(2);
  const checks = byId(r.report, 'Uplinks').checks;
  expect(checks.find((c: any) => c.name === 'Qubitro project').detail).toMatch(/^not found \(/);
  expect(checks.find((c: any) => c.name === 'uplink').fix).toMatch(/projectId is no Qubitro project/);
});

test('a key rotated in the Qubitro portal only: "rejected by Qubitro (key)" while IoT Flow still says OPENED', async () => {
  qubitro.putProject({ id: PROJECT, signingKey: 'rotated-in-the-portal' });

  const r = await verifyCli();

  expect(r.code).toBe(2);
  const checks = byId(r.report, 'Uplinks').checks;
  expect(checks[0]).toMatchObject({
    name: 'IoT Flow',
    ok: true,
    detail: expect.stringMatching(/is OPENED$/),
  });
  expect(checks.find((c: any) => c.name === 'uplink')).toMatchObject({
    ok: false,
    detail: expect.stringContaining('rejected by Qubitro (key'),
    fix: expect.stringContaining('TF_VAR_qubitro_webhook_signing_key'),
  });
  expect(r.stdout).toContain('rejected by Qubitro (key');
});

test('a CLOSED connection is reported, the other still delivers', async () => {
  const { Backup } = await ws.connectionIds();
  await control(emulator, `connections/${Backup}/state`, { state: 'CLOSED' });

  const r = await verifyCli();

  expect(r.code).toBe(2);
  expect(byId(r.report, 'Backup')).toMatchObject({ verdict: 'not delivered' });
  expect(byId(r.report, 'Backup').checks[0].detail).toBe(`connection ${Backup} is CLOSED`);
  expect(byId(r.report, 'Uplinks').verdict).toBe('delivered');
});

test('an API key scoped to another project: "not visible to this key", not "missing"', async () => {
  const r = await verifyCli(SCOPED_KEY);

  expect(r.code).toBe(2);
  const project = byId(r.report, 'Uplinks').checks.find((c: any) => c.name === 'Qubitro project');
  expect(project.detail).toMatch(/^not visible to this key/);
  expect(project.fix).toMatch(/scope/);
});
