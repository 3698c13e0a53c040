/**
 * The README's "Use it in your own project", step by step, in a new folder: the packed library and the
 * dependencies it names, `qubitro-engine install`, `cdktf deploy` to the emulator, a re-plan with no
 * changes, `qubitro-review`, and a deploy with a missing secret that fails fast instead of prompting.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningEmulator, startEmulator } from '../../emulator';
import { run, RunResult } from '../support/engine';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const app = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-own-project-'));
const SIGNING_KEY = 'own-project-signing-key-4d3c2b1a';

let emulator: RunningEmulator;

/** A shell in the app folder, as a user's CI job would run it: `set -e`, no terminal, no prompt. */
const sh = (script: string, env: Record<string, string> = {}): Promise<RunResult> =>
  run('bash', ['-c', `set -euo pipefail\n${script}`], app, {
    ...process.env,
    CI: 'true',
    DISABLE_VERSION_CHECK: 'true',
    CHECKPOINT_DISABLE: '1',
    IOTFLOW_BASE_URL: emulator.baseUrl,
    ...env,
  });

const secrets = {
  TF_VAR_thingpark_client_secret: 'emulator-secret',
  TF_VAR_qubitro_webhook_signing_key: SIGNING_KEY,
};

beforeAll(async () => {
  emulator = await startEmulator();
  const packed = await run('npm', ['pack', '--pack-destination', app, '--silent'], root, process.env);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output.slice(-4000)}`);
  const tarball = path.join(app, packed.stdout.trim().split('\n').pop()!);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-iot-infra', private: true }));
  fs.writeFileSync(
    path.join(app, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: 'npx tsx main.ts',
      output: 'cdktf.out',
      sendCrashReports: 'false',
    }),
  );
  fs.writeFileSync(
    path.join(app, 'main.ts'),
    [
      "import { App } from 'cdktf';",
      "import { QubitroProjectStack } from 'cdktf-thingpark-qubitro';",
      '',
      'const app = new App();',
      "new QubitroProjectStack(app, 'farm', {",
      '  baseUrl: process.env.IOTFLOW_BASE_URL!,',
      "  clientId: 'emulator-client',",
      "  projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',",
      "  connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],",
      '});',
      'app.synth();',
      '',
    ].join('\n'),
  );
  const v = pkg.devDependencies;
  const install = await sh(
    `npm install --no-audit --no-fund --prefer-offline ${tarball} cdktf@${v.cdktf} constructs@${v.constructs}\n` +
      `npm install --no-audit --no-fund --prefer-offline --save-dev cdktf-cli@${v['cdktf-cli']} tsx@${v.tsx}`,
  );
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.output.slice(-4000)}`);
}, 600_000);

afterAll(async () => {
  fs.rmSync(app, { recursive: true, force: true });
  await emulator?.close();
});

const ENGINE = 'eval "$(npx qubitro-engine install)"';

test('cdktf deploy creates the connection, and a second deploy changes nothing', async () => {
  const r = await sh(
    `${ENGINE}\nnpx cdktf deploy farm --auto-approve --skip-provider-lock\n` +
      'cd cdktf.out/stacks/farm && tofu plan -detailed-exitcode -no-color',
    secrets,
  );
  expect(r.code).toBe(0);
  expect(r.output).toMatch(/Apply complete! Resources: 1 added/);
  expect(r.output).toMatch(/No changes/);
  expect(
    emulator.requests().filter((c) => c.method === 'POST' && c.path.endsWith('/connections')),
  ).toHaveLength(1);
  expect(r.output).not.toContain(SIGNING_KEY);
}, 300_000);

test('qubitro-review summarizes the synthesized stacks without a secret', async () => {
  const r = await sh('npx qubitro-review --out cdktf.out');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Farm uplinks');
  expect(r.stdout).toContain('TF_VAR_qubitro_webhook_signing_key');
  expect(r.output).not.toContain(SIGNING_KEY);
});

test('a deploy with a missing secret variable fails within 30 s naming it, instead of prompting', async () => {
  const started = Date.now();
  const r = await sh(`${ENGINE}\nnpx cdktf deploy farm --auto-approve --skip-provider-lock`, {
    TF_VAR_thingpark_client_secret: 'emulator-secret',
  });
  expect(r.code).not.toBe(0);
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(r.output).toMatch(/qubitro_webhook_signing_key/);
}, 60_000);
