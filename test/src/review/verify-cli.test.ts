/** qubitro-verify without the engine: what it reports and refuses before any delivery check. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, LocalBackend } from 'cdktf';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  startEmulator,
  startQubitroEmulator,
  type RunningEmulator,
  type RunningQubitroEmulator,
} from '../../../emulator';
import { QubitroProjectStack } from '../../../src';
import { main } from '../../../src/review/verify-cli';
import { expectNoSecrets } from '../../support/secret-forms';

const PROJECT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const SIGNING_KEY = 'unit-verify-signing+key/0a9b=8c';
const API_KEY = 'QB_unit-verify/key+1';

let dir: string;
let emulator: RunningEmulator;
let qubitro: RunningQubitroEmulator;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-verify-'));
  qubitro = await startQubitroEmulator({
    projects: [{ id: PROJECT, signingKey: SIGNING_KEY }],
    apiKeys: [{ key: API_KEY }],
  });
  emulator = await startEmulator({ settleMs: 0, routes: { 'webhook.qubitro.com': qubitro.url } });
  const app = new App({ outdir: path.join(dir, 'out') });
  const stack = new QubitroProjectStack(app, 'farm', {
    baseUrl: emulator.baseUrl,
    clientId: DEFAULT_CLIENT_ID,
    projectId: PROJECT,
    connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],
  });
  new LocalBackend(stack, { path: path.join(dir, 'terraform.tfstate') });
  app.synth();
});

afterEach(async () => {
  await emulator.close();
  await qubitro.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A state file as the engine leaves it, holding `id` for the stack's one connection. */
async function deployedBy(id: string): Promise<void> {
  const tf = JSON.parse(fs.readFileSync(path.join(dir, 'out/stacks/farm/cdk.tf.json'), 'utf8'));
  const [name] = Object.keys(tf.resource.iotflow_connection);
  const resources = [
    { mode: 'managed', type: 'iotflow_connection', name, instances: [{ attributes: { id } }] },
  ];
  fs.writeFileSync(path.join(dir, 'terraform.tfstate'), JSON.stringify({ version: 4, resources }));
}

async function createConnection(signingKey = SIGNING_KEY): Promise<string> {
  const res = await fetch(`${emulator.baseUrl}/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await emulator.accessToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Farm uplinks',
      connectorId: 'actility-http-iot',
      brand: 'QUBITRO',
      configuration: {
        destinationURL: 'https://webhook.qubitro.com/integrations/actility',
        headers: { projectId: PROJECT, webhookSigningKey: signingKey },
      },
    }),
  });
  return ((await res.json()) as { id: string }).id;
}

async function verifyCli(args: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['--out', path.join(dir, 'out'), ...args],
    (t) => (stdout += t),
    (t) => (stderr += t),
    env,
  );
  expectNoSecrets(stdout + stderr, [SIGNING_KEY, API_KEY, DEFAULT_CLIENT_SECRET], 'the output');
  return { code, stdout, stderr };
}

const ENV = { TF_VAR_thingpark_client_secret: DEFAULT_CLIENT_SECRET, QUBITRO_API_URL: '' };

test('a connection without a state entry is reported as not deployed (exit 2)', async () => {
  const r = await verifyCli([], ENV);

  expect(r.code).toBe(2);
  expect(r.stdout).toContain('not deployed: no connection id in the stack state');
});

test('without a state entry, the one connection of that name and project on the endpoint is checked', async () => {
  const id = await createConnection();

  const r = await verifyCli([], ENV);

  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`connection ${id} is OPENED`);
});

test('without a state entry, two connections of that name and project are not guessed between', async () => {
  await createConnection();
  await createConnection();

  const r = await verifyCli([], ENV);

  expect(r.code).toBe(2);
  expect(r.stdout).toContain('not exactly one connection of this name and project');
});

test('a missing client secret variable fails with exit 1 naming the variable', async () => {
  await deployedBy(await createConnection());

  const r = await verifyCli([], {});

  expect(r.code).toBe(1);
  expect(r.stderr).toContain('needs TF_VAR_thingpark_client_secret in the environment');
});

test('an OPENED connection without QUBITRO_API_KEY passes, its delivery not checked (exit 0)', async () => {
  await deployedBy(await createConnection());

  const r = await verifyCli([], ENV);

  expect(r.code).toBe(0);
  expect(r.stdout).toContain('reachable, delivery not checked');
  expect(r.stdout).toContain('not checked: set QUBITRO\\_API\\_KEY'); // Markdown-escaped
});

test('without an uplink, a 404 project says both readings', async () => {
  await deployedBy(await createConnection());
  qubitro.reset();
  qubitro.putApiKey({ key: API_KEY });

  const r = await verifyCli([], { ...ENV, QUBITRO_API_KEY: API_KEY, QUBITRO_API_URL: qubitro.apiUrl });

  expect(r.code).toBe(2);
  expect(r.stdout).toContain('not found, or not visible to this key');
});

test('--device finds a device seen within the duration, and fails on one never seen', async () => {
  await deployedBy(await createConnection());
  await fetch(qubitro.webhookUrl, {
    method: 'POST',
    headers: { projectId: PROJECT, webhookSigningKey: SIGNING_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ DevEUI_uplink: { DevEUI: '70B3D57ED0001234' } }),
  });
  const env = { ...ENV, QUBITRO_API_KEY: API_KEY, QUBITRO_API_URL: qubitro.apiUrl };

  expect((await verifyCli(['--device', '70b3d57ed0001234', '--within', '15m'], env)).code).toBe(0);
  const never = await verifyCli(['--device', '70B3D57ED0009999', '--within', '15m'], env);
  expect(never.code).toBe(2);
  expect(never.stdout).toContain('never seen in the project');
});

test('--config verifies the stacks of an environments YAML', async () => {
  const id = await createConnection();
  const config = path.join(dir, 'environments.yaml');
  fs.writeFileSync(
    config,
    [
      'environments:',
      '  dev:',
      `    baseUrl: ${emulator.baseUrl}`,
      `    clientId: ${DEFAULT_CLIENT_ID}`,
      '    clientSecretVariable: dev_thingpark_client_secret',
      'projects:',
      '  - key: farm',
      `    projectId: ${PROJECT}`,
      '    connections:',
      '      - { id: Uplinks, name: Farm uplinks, promoteTo: [dev] }',
    ].join('\n'),
  );
  let stdout = '';
  const code = await main(
    ['--config', config],
    (t) => (stdout += t),
    () => undefined,
    { TF_VAR_dev_thingpark_client_secret: DEFAULT_CLIENT_SECRET },
  );

  expect(code).toBe(0);
  expect(stdout).toContain('`dev-farm/Uplinks`');
  expect(stdout).toContain(`connection ${id} is OPENED`);
});

test('refuses to send the API key to a plain-http Qubitro API off this machine (exit 1)', async () => {
  const r = await verifyCli([], {
    ...ENV,
    QUBITRO_API_KEY: API_KEY,
    QUBITRO_API_URL: 'http://api.example.com',
  });

  expect(r.code).toBe(1);
  expect(r.stderr).toContain('QUBITRO_API_URL must be an https URL');
});

test('--uplink sends nothing to a real tenant: exit 1 before any call', async () => {
  const app = new App({ outdir: path.join(dir, 'real') });
  new QubitroProjectStack(app, 'farm', {
    baseUrl: 'https://community.thingpark.io/iot-flow/v1',
    clientId: 'ops',
    projectId: PROJECT,
    connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],
  });
  app.synth();
  let stderr = '';
  const code = await main(
    ['--out', path.join(dir, 'real'), '--uplink'],
    () => undefined,
    (t) => (stderr += t),
    ENV,
  );

  expect(code).toBe(1);
  expect(stderr).toContain('--uplink needs the IoT Flow emulator on this machine');
});

test('refuses a DevEUI that is not 16 hex digits (exit 1)', async () => {
  const r = await verifyCli(['--device', 'xyz'], ENV);

  expect(r.code).toBe(1);
  expect(r.stderr).toContain('--device must be a DevEUI of 16 hex digits');
});
