/**
 * Runs examples/environments as cdktf would (the `app` of its cdktf.json, in its folder) into a temporary
 * CDKTF_OUTDIR, with the secrets set as TF_VAR_ variables, and checks the stacks it writes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bodyOf, connections, filesContaining, TfJson } from '../support/synth';

const EXAMPLE = path.resolve(__dirname, '../../examples/environments');
const PROBES = {
  TF_VAR_dev_thingpark_client_secret: 'probe-dev-secret-5b1e',
  TF_VAR_prod_thingpark_client_secret: 'probe-prod-secret-0c9d',
  TF_VAR_dev_farm_signing_key: 'probe-dev-farm-key-77a1',
  TF_VAR_dev_fleet_signing_key: 'probe-dev-fleet-key-3f42',
  TF_VAR_prod_farm_signing_key: 'probe-prod-farm-key-c8e6',
};

let outdir: string;
let manifest: TfJson;
const stacks: Record<string, TfJson> = {};

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'environments-example-'));
  const { app } = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'cdktf.json'), 'utf8')) as { app: string };
  const env: NodeJS.ProcessEnv = { ...process.env, ...PROBES, CDKTF_OUTDIR: outdir };
  delete env.CDKTF_TARGET_STACK_ID;
  delete env.SYNTH_HCL_OUTPUT;
  // Seconds on a quiet machine: the bound only stops a hang, with room for a busy one.
  execFileSync('sh', ['-c', app], { cwd: EXAMPLE, env, stdio: 'pipe', timeout: 240_000 });
  manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  for (const name of Object.keys(manifest.stacks)) {
    stacks[name] = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  }
}, 300_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

const names = (name: string) =>
  Object.values(connections(stacks[name]))
    .map((r) => r.name)
    .sort();

describe('examples/environments', () => {
  it('runs `npx tsx main.ts` from its cdktf.json', () => {
    expect(JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'cdktf.json'), 'utf8')).app).toBe('npx tsx main.ts');
  });

  it('writes the stacks dev-farm, dev-fleet and prod-farm', () => {
    expect(Object.keys(manifest.stacks)).toEqual(['dev-farm', 'dev-fleet', 'prod-farm']);
  });

  it('deploys the promoted connection to dev and prod, and the dev-only ones to dev alone', () => {
    expect(names('dev-farm')).toEqual(['Farm sensors debug feed', 'Farm sensors to Qubitro']);
    expect(names('dev-fleet')).toEqual(['Fleet trackers to Qubitro']);
    expect(names('prod-farm')).toEqual(['Farm sensors to Qubitro']);
  });

  it('sends the prod Qubitro project and options to prod', () => {
    const [body] = Object.values(connections(stacks['prod-farm'])).map(bodyOf);
    expect(body.configuration).toMatchObject({
      headers: {
        projectId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
        webhookSigningKey: '${var.prod_farm_signing_key}',
      },
      reconnectStrategy: 'CALM',
      uplinkTimeValidity: '5m',
    });
  });

  it('keeps the prod state in its own folder and the dev states next to the config', () => {
    expect(stacks['prod-farm'].terraform.backend.local.path).toBe(
      path.join(EXAMPLE, 'prod', 'terraform.prod-farm.tfstate'),
    );
    expect(stacks['dev-fleet'].terraform.backend.local.path).toBe(
      path.join(EXAMPLE, 'terraform.dev-fleet.tfstate'),
    );
  });

  it('writes no TF_VAR_ secret to any file', () => {
    for (const probe of Object.values(PROBES)) expect(filesContaining(outdir, probe)).toEqual([]);
  });
});
