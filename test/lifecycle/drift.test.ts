/**
 * `qubitro-drift` on the real engine: a tenant imported with `qubitro-import` and deployed, then edited and
 * deleted through the API as a UI would; the report names exactly what changed, with the exit code a
 * scheduled CI job reads. One deployment serves every test of the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { RunningEmulator, startEmulator } from '../../emulator';
import { main as driftCli } from '../../src/drift/cli';
import { main as importCli } from '../../src/import/cli';
import { addEnvironmentStacks } from '../../src';
import { callApi, CLIENT_ID, CLIENT_SECRET, requireEngine, run } from '../support/engine';

const PROJECTS = ['aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4', '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b'];
const KEY = 'drift-signing-key-9a8b7c6d5e';

let emulator: RunningEmulator;
let dir: string;
let yamlFile: string;
const ids: string[] = [];
let unmanaged = '';
const engine = requireEngine();

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    ...engine.env,
    TERRAFORM_BINARY_NAME: engine.binaryName,
    TF_VAR_thingpark_client_secret: CLIENT_SECRET,
  };
  for (const p of PROJECTS) e[`TF_VAR_prod_qubitro_${p.slice(0, 8)}_signing_key`] = KEY;
  return e;
}

async function drift(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await driftCli(
    args,
    (t) => out.push(t),
    (t) => err.push(t),
    env(),
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  // Pages of 5: the unmanaged listing and the import read several.
  emulator = await startEmulator({ settleMs: 0, pageSize: 5 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-drift-'));
  yamlFile = path.join(dir, 'environments.yaml');
  for (let i = 0; i < 12; i++) {
    const res = await callApi(emulator, 'POST', '/connections', {
      name: `Barn ${i}`,
      connectorId: 'actility-http-iot',
      brand: 'QUBITRO',
      configuration: {
        destinationURL: 'https://webhook.qubitro.com/integrations/actility',
        headers: { projectId: PROJECTS[i % 2], webhookSigningKey: KEY },
        description: `Barn number ${i}`,
      },
    });
    ids.push(res.body!.id as string);
  }
  const code = await importCli(
    ['--base-url', emulator.baseUrl, '--client-id', CLIENT_ID, '--format', 'yaml', '--out', yamlFile],
    () => undefined,
    () => undefined,
    { TF_VAR_thingpark_client_secret: CLIENT_SECRET },
  );
  expect(code).toBe(0);
  const app = new App({ outdir: path.join(dir, 'cdktf.out') });
  addEnvironmentStacks(app, yamlFile);
  app.synth();
  for (const stack of fs.readdirSync(path.join(dir, 'cdktf.out', 'stacks'))) {
    const cwd = path.join(dir, 'cdktf.out', 'stacks', stack);
    expect((await run(engine.binaryName, ['init', '-input=false'], cwd, env())).code).toBe(0);
    const apply = await run(engine.binaryName, ['apply', '-auto-approve', '-input=false'], cwd, env());
    expect(apply.code).toBe(0);
  }
  // Made after the import: on the endpoint, in no stack.
  unmanaged = (
    await callApi(emulator, 'POST', '/connections', {
      name: 'Made later in the UI',
      connectorId: 'actility-http-iot',
      brand: 'QUBITRO',
      configuration: {
        destinationURL: 'https://webhook.qubitro.com/integrations/actility',
        headers: { projectId: PROJECTS[0], webhookSigningKey: KEY },
      },
    })
  ).body!.id as string;
}, 600_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('right after the deploy every connection is in sync and the exit code is 0', async () => {
  const report = await drift('--config', yamlFile, '--json', path.join(dir, 'sync.json'));
  expect(report.stderr).toBe('');
  expect(report.code).toBe(0);
  expect(report.stdout).toContain('**In sync**: 12 connections');
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'sync.json'), 'utf8'));
  expect(json.connections.map((c: { status: string }) => c.status)).toEqual(Array(12).fill('in sync'));
});

test('the endpoint’s connection that no stack manages is reported as unmanaged, and fails only when asked', async () => {
  const report = await drift('--config', yamlFile, '--json', path.join(dir, 'unmanaged.json'));
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'unmanaged.json'), 'utf8'));
  expect(json.unmanaged.map((u: { id: string }) => u.id)).toEqual([unmanaged]);
  expect(report.stdout).toContain('Made later in the UI');
  expect((await drift('--config', yamlFile, '--fail-on-unmanaged')).code).toBe(2);
});

test('an edit and a deletion made through the API are named, field by field, with exit code 2', async () => {
  const edited = ids[3];
  const deleted = ids[8];
  const current = (await callApi(emulator, 'GET', `/connections/${edited}`)).body!;
  current.configuration.description = 'Changed in the UI';
  current.configuration.headers.webhookSigningKey = KEY;
  expect((await callApi(emulator, 'PUT', `/connections/${edited}`, current)).status).toBe(200);
  expect((await callApi(emulator, 'DELETE', `/connections/${deleted}`)).status).toBe(204);

  const report = await drift('--config', yamlFile, '--json', path.join(dir, 'drift.json'));
  expect(report.code).toBe(2);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'drift.json'), 'utf8'));
  const notInSync = json.connections.filter((c: { status: string }) => c.status !== 'in sync');
  expect(notInSync).toHaveLength(2);
  expect(notInSync).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        connectionId: edited,
        status: 'changed outside code',
        changes: [{ path: 'configuration.description', before: 'Barn number 3', after: 'Changed in the UI' }],
      }),
      expect.objectContaining({ connectionId: deleted, status: 'deleted outside code', changes: [] }),
    ]),
  );
  expect(report.stdout).toContain('**Drift**: 1 changed outside code, 1 deleted outside code, 10 in sync');
  expect(report.stdout).toContain('`description`: `"Barn number 3"` → `"Changed in the UI"`');
  expect(report.stdout).not.toContain(KEY);
});

test('a config that cannot be read is an error: exit code 1, nothing on stdout', async () => {
  const report = await drift('--config', path.join(dir, 'missing.yaml'));
  expect(report.code).toBe(1);
  expect(report.stdout).toBe('');
  expect(report.stderr).toMatch(/qubitro-drift: .*missing\.yaml/);
});
