/**
 * `qubitro-import --format ts` on the real engine: the written main.ts is run as a cdktf app (its own
 * process, through its cdktf.json), Qubitro connections as QubitroProjectStacks, the ones a QubitroConnection
 * cannot express and another connector as IotFlowConnections; the deploy only imports, and `qubitro-drift
 * --app` finds the app in sync. One deployment serves every test of the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { main as driftCli } from '../../src/drift/cli';
import { main as importCli } from '../../src/import/cli';
import { callApi, CLIENT_ID, CLIENT_SECRET, connectionCalls, requireEngine, run } from '../support/engine';

const repo = path.resolve(__dirname, '../..');
const PROJECTS = ['aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4', '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b'];
const KEY = 'ts-signing-key-1a2b3c4d5e6f';
const BRIDGE_TOKEN = 'bridge-token-7f6e5d4c3b2a';

let emulator: RunningEmulator;
let dir: string;
let mainTs: string;
const runs: string[] = [];
const before = new Map<string, Record<string, unknown>>();
let deployCalls: ReturnType<typeof connectionCalls>;
let bridge = '';
let custom = '';
const engine = requireEngine();

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...engine.env,
    TF_IN_AUTOMATION: '1',
    TERRAFORM_BINARY_NAME: engine.binaryName,
    TF_VAR_thingpark_client_secret: CLIENT_SECRET,
    TF_VAR_qubitro_aa62ebe1_signing_key: KEY,
    TF_VAR_qubitro_4b7f2a8e_signing_key: KEY,
    TF_VAR_with_a_custom_header_headers_webhook_signing_key: KEY,
    TF_VAR_acme_bridge_headers_authorization: BRIDGE_TOKEN,
    TF_VAR_datacake_farm_access_token: BRIDGE_TOKEN,
  };
}

async function importTs(...args: string[]): Promise<void> {
  const out: string[] = [];
  const code = await importCli(
    ['--base-url', emulator.baseUrl, '--client-id', CLIENT_ID, '--format', 'ts', '--out', mainTs, ...args],
    (t) => out.push(t),
    (t) => out.push(t),
    { TF_VAR_thingpark_client_secret: CLIENT_SECRET },
  );
  expect(code).toBe(0);
  runs.push(out.join(''));
}

async function shown(id: string) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { state, startupTime, ...rest } = (await callApi(emulator, 'GET', `/connections/${id}`)).body!;
  return rest;
}

const stackDir = (s: string) => path.join(dir, 'cdktf.out', 'stacks', s);
const stacks = () => fs.readdirSync(path.join(dir, 'cdktf.out', 'stacks')).sort();

beforeAll(async () => {
  emulator = await startEmulator({ settleMs: 0, pageSize: 4 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-import-ts-'));
  mainTs = path.join(dir, 'main.ts');
  const qubitro = (name: string, project: string, headers: Record<string, string> = {}) =>
    callApi(emulator, 'POST', '/connections', {
      name,
      connectorId: 'actility-http-iot',
      brand: 'QUBITRO',
      configuration: {
        destinationURL: 'https://webhook.qubitro.com/integrations/actility',
        headers: { projectId: project, webhookSigningKey: KEY, ...headers },
        uplinkTimeValidity: '90s',
      },
      alarms: [{ uplinkRateMinPerHour: 2, recurrence: [{ frequency: 'daily' }], message: 'Quiet' }],
    });
  const made: string[] = [];
  for (let i = 0; i < 5; i++) made.push((await qubitro(`Silo ${i}`, PROJECTS[i % 2])).body!.id);
  custom = (await qubitro('With a custom header', PROJECTS[0], { 'X-Trace-Level': 'verbose' })).body!.id;
  bridge = (
    await callApi(emulator, 'POST', '/connections', {
      name: 'Acme bridge',
      connectorId: 'acme-bridge',
      active: false,
      configuration: {
        destinationURL: 'https://bridge.example/in',
        headers: { Authorization: BRIDGE_TOKEN },
      },
    })
  ).body!.id;
  const datacake = (
    await callApi(emulator, 'POST', '/connections', {
      name: 'Datacake farm',
      connectorId: 'actility-http-iot',
      brand: 'DATACAKE',
      configuration: {
        destinationURL: 'https://api.datacake.co/integrations/lorawan/actility',
        headers: { Authorization: `Token ${BRIDGE_TOKEN}` },
        reconnectStrategy: 'CALM',
      },
    })
  ).body!.id;
  made.push(custom, bridge, datacake);
  for (const id of made) before.set(id, await shown(id));

  await importTs(); // the Qubitro ones
  await importTs('--connector', 'acme-bridge'); // a second run adds the other connector
  await importTs('--brand', 'DATACAKE'); // and a brand with a preset construct
  // The app as a user's project has it, the package and cdktf resolved from this checkout.
  fs.writeFileSync(
    mainTs,
    fs
      .readFileSync(mainTs, 'utf8')
      .replaceAll("from 'cdktf-thingpark-qubitro'", `from ${JSON.stringify(path.join(repo, 'src'))}`)
      .replace("from 'cdktf'", `from ${JSON.stringify(path.dirname(require.resolve('cdktf/package.json')))}`),
  );
  fs.writeFileSync(
    path.join(dir, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: `${path.join(repo, 'node_modules/.bin/tsx')} main.ts`,
      output: 'cdktf.out',
    }),
  );
  const synth = await run(path.join(repo, 'node_modules/.bin/tsx'), ['main.ts'], dir, {
    ...env(),
    CDKTF_OUTDIR: path.join(dir, 'cdktf.out'),
  });
  expect(synth.output).toBe('');
  expect(synth.code).toBe(0);
  const mark = emulator.requests().length;
  for (const s of stacks()) {
    expect((await run(engine.binaryName, ['init', '-input=false'], stackDir(s), env())).code).toBe(0);
    const apply = await run(
      engine.binaryName,
      ['apply', '-auto-approve', '-input=false'],
      stackDir(s),
      env(),
    );
    expect(apply.output).toMatch(/Apply complete/);
  }
  deployCalls = connectionCalls(emulator, mark);
}, 600_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('main.ts holds one QubitroProjectStack per project, a preset construct for a known brand, the rest as IotFlowConnections', () => {
  expect(stacks()).toEqual(['other-connections', 'qubitro-4b7f2a8e', 'qubitro-aa62ebe1']);
  const text = fs.readFileSync(mainTs, 'utf8');
  expect(text.match(/importFrom:/g)).toHaveLength(8);
  expect(text).toContain(`new presets.DatacakeConnection(others, "DatacakeFarm"`);
  expect(text).toContain(`new IotFlowConnection(others, "WithACustomHeader"`);
  expect(text).toContain(`new IotFlowConnection(others, "AcmeBridge"`);
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(BRIDGE_TOKEN);
});

test('the second run adds only the connector it selects and names the variables of its masked secrets', () => {
  expect(runs[1]).toContain('1 added to');
  expect(runs[1]).toContain('TF_VAR_acme_bridge_headers_authorization');
  expect(runs[0]).toContain('TF_VAR_with_a_custom_header_headers_webhook_signing_key');
  expect(runs[2]).toContain('TF_VAR_datacake_farm_access_token');
});

test('the deploy sends no POST and no DELETE, and every connection keeps every field', async () => {
  expect(deployCalls.filter((c) => c.method === 'POST' || c.method === 'DELETE')).toEqual([]);
  for (const [id, was] of before) expect(await shown(id)).toEqual(was);
  expect((await shown(custom)).configuration).toMatchObject({ headers: { 'X-Trace-Level': 'verbose' } });
  expect((await shown(bridge)).active).toBe(false);
});

test('qubitro-drift --app runs the app and finds it in sync', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await driftCli(
    ['--app', dir],
    (t) => out.push(t),
    (t) => err.push(t),
    env(),
  );
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  expect(out.join('')).toContain('**In sync**: 8 connections');
});
