/**
 * The review of a real plan: an environment stack deployed with the engine (OpenTofu and the iotflow provider)
 * to the emulator, then a changed description and a rotated signing key, planned with `tofu plan -out=p` and
 * read with `tofu show -json p`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { RunningEmulator, startEmulator } from '../../emulator';
import { addEnvironmentStacks, validateEnvironmentsConfig } from '../../src';
import { main } from '../../src/review/cli';
import { CLIENT_ID, CLIENT_SECRET, RunResult, Workspace } from '../support/engine';
import { savedPlanText } from '../support/saved-plan';
import { expectNoSecrets } from '../support/secret-forms';
import { FARM_PROJECT } from '../src/environments/fixture';

// Characters JSON, Markdown and URLs escape, so every escaped form of a key is searched for.
const OLD_KEY = 'engine-old/signing+key=4f2a9c&<q>"';
const NEW_KEY = 'engine-new/signing+key=b71e30&<q>"';
const SECRETS = [OLD_KEY, NEW_KEY, CLIENT_SECRET];

let emulator: RunningEmulator;
let ws: Workspace;
let planText: RunResult;
let planJsonFile: string;

/** Synthesizes the dev-farm stack of a one-environment config into the workspace. */
function synth(description: string): void {
  const config = {
    environments: {
      dev: {
        baseUrl: emulator.baseUrl,
        clientId: CLIENT_ID,
        clientSecretVariable: 'dev_thingpark_client_secret',
      },
    },
    projects: [
      {
        key: 'farm',
        projectId: FARM_PROJECT,
        connections: [
          { id: 'Uplinks', name: 'Farm uplinks', description, promoteTo: ['dev'] },
          { id: 'Backup', name: 'Farm backup', active: false, promoteTo: ['dev'] },
        ],
      },
    ],
  };
  const app = new App({ outdir: path.join(ws.dir, 'out') });
  addEnvironmentStacks(app, validateEnvironmentsConfig(config, { baseDir: ws.dir }));
  app.synth();
}

beforeAll(async () => {
  emulator = await startEmulator();
  ws = new Workspace(emulator, 'dev-farm');
  for (const k of Object.keys(ws.vars)) delete ws.vars[k];
  Object.assign(ws.vars, { dev_thingpark_client_secret: CLIENT_SECRET, dev_farm_signing_key: OLD_KEY });
  synth('a');
  await ws.apply();

  synth('b');
  ws.vars.dev_farm_signing_key = NEW_KEY;
  planText = ws.expectOk(await ws.tofu('plan', '-input=false', '-out=p'));
  planJsonFile = path.join(ws.dir, 'plan.json');
  fs.writeFileSync(planJsonFile, ws.expectOk(await ws.tofu('show', '-json', 'p')).stdout);
});

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
});

describe('tofu plan of a changed field and a rotated key', () => {
  it('shows the changed description field by field', () => {
    expect(planText.output).toMatch(/~ description\s+= "a" -> "b"/);
  });

  it('shows the secrets as a write-only attribute and the rotation as a new fingerprint, never a key', () => {
    expect(planText.output).toMatch(/~ secrets_wo\s+= \(write-only attribute\)/);
    expect(planText.output).toMatch(
      /~ secrets_fingerprint = "hmac-sha256:[0-9a-f]{16}:[0-9a-f]{64}" -> \(known after apply\)/,
    );
    expectNoSecrets(planText.output, SECRETS, 'the plan output');
  });

  it('saves a plan that, unzipped, holds the connections but no key', () => {
    const plan = savedPlanText(path.join(ws.stackDir, 'p'));
    expect(plan).toContain('Farm uplinks');
    expectNoSecrets(plan, SECRETS, 'the saved plan');
  });

  it('writes a plan JSON that holds no key, only the fingerprint the review compares', () => {
    const json = fs.readFileSync(planJsonFile, 'utf8');
    expectNoSecrets(json, SECRETS, 'the plan JSON');
    const uplinks = (JSON.parse(json).resource_changes as { address: string; change: any }[]).find((rc) =>
      rc.address.startsWith('iotflow_connection.Uplinks_'),
    )!;
    expect(uplinks.change.before.secrets_wo).toBeNull();
    expect(uplinks.change.before.secrets_fingerprint).toMatch(/^hmac-sha256:/);
    expect(uplinks.change.after_unknown.secrets_fingerprint).toBe(true);
  });
});

describe('qubitro-review of that plan', () => {
  let stdout = '';
  let code: number;

  beforeAll(() => {
    code = main(
      ['--out', path.join(ws.dir, 'out'), '--plan', planJsonFile],
      (t) => (stdout += t),
      () => undefined,
    );
  });

  it('matches the plan to its stack and shows the update with the changed field and a rotated key', () => {
    expect(code).toBe(0);
    const row = stdout.split('\n').find((l) => l.includes('Farm uplinks'));
    expect(row).toMatch(/^\| \*\*update\*\* \| Farm uplinks<br>`Uplinks` \|/);
    expect(row).toContain('`description`: `"a"` → `"b"`<br>signing key: rotated |');
    expect(row).toContain('signing key: **rotated** (from `TF_VAR_dev_farm_signing_key`)');
  });

  it('shows the untouched connection as an update of its key only', () => {
    const row = stdout.split('\n').find((l) => l.includes('Farm backup'));
    expect(row).toMatch(/^\| \*\*update\*\* \|.*\| signing key: rotated \|$/);
  });

  it('never shows a key or the client secret', () => {
    expectNoSecrets(stdout, SECRETS, 'the review');
  });
});
