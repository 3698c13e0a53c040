/**
 * Runs examples/per-project/main.ts as a user would (`npx tsx`), into a temporary CDKTF_OUTDIR, with the
 * secrets set as TF_VAR_ variables, and checks the stacks it writes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import {
  bodyOf,
  CONNECTION,
  connections,
  filesContaining,
  filesUnder,
  IOTFLOW_PROVIDER_TYPE,
  readBacks,
  TfJson,
  withoutMetadata,
} from '../support/synth';

Testing.setupJest();

const ROOT = path.resolve(__dirname, '..', '..');
const PROBES = {
  TF_VAR_thingpark_client_secret: 'probe-client-secret-91f3',
  TF_VAR_farm_signing_key: 'probe-farm-key-2a7c',
  TF_VAR_fleet_signing_key: 'probe-fleet-key-6e0d',
};

let outdir: string;
const stacks: Record<string, { text: string; tf: TfJson }> = {};

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'per-project-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...PROBES, CDKTF_OUTDIR: outdir };
  // The example's defaults (the local emulator) make the output independent of the caller's shell.
  delete env.IOTFLOW_BASE_URL;
  delete env.IOTFLOW_CLIENT_ID;
  delete env.CDKTF_TARGET_STACK_ID;
  delete env.SYNTH_HCL_OUTPUT;
  execFileSync('npx', ['tsx', 'examples/per-project/main.ts'], {
    cwd: ROOT,
    env,
    stdio: 'pipe',
    // Seconds on a quiet machine: the bound only stops a hang, with room for a busy one.
    timeout: 240_000,
  });
  for (const name of ['farm-sensors', 'fleet-trackers']) {
    const file = path.join(outdir, 'stacks', name, 'cdk.tf.json');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    stacks[name] = { text, tf: JSON.parse(text) as TfJson };
  }
}, 300_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

function resources(name: string): TfJson[] {
  return Object.values(connections(stacks[name].tf));
}

describe('examples/per-project', () => {
  it('writes the farm-sensors and fleet-trackers stacks', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['farm-sensors', 'fleet-trackers']);
    expect(Object.keys(stacks).sort()).toEqual(['farm-sensors', 'fleet-trackers']);
  });

  it('declares two connections to the farm project, the backup one inactive', () => {
    const byName = Object.fromEntries(
      resources('farm-sensors')
        .map(bodyOf)
        .map((body) => [body.name, { active: body.active, projectId: body.configuration.headers.projectId }]),
    );
    expect(byName).toStrictEqual({
      'Farm sensors to Qubitro': { active: undefined, projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4' },
      'Farm sensors to Qubitro (backup)': {
        active: false,
        projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
      },
    });
  });

  it('declares one connection to the fleet project, with metadata and downlink port 15', () => {
    expect(stacks['fleet-trackers'].text).toHaveResourceWithProperties(CONNECTION, {
      name: 'Fleet trackers to Qubitro',
      secrets_wo: { 'headers.webhookSigningKey': '${var.fleet_signing_key}' },
    });
    expect(resources('fleet-trackers')).toHaveLength(1);
    expect(JSON.parse(resources('fleet-trackers')[0].configuration)).toMatchObject({
      sendMetadata: true,
      downlinkPort: 15,
      headers: { projectId: '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b' },
    });
  });

  it('gives each project its own signing key variable', () => {
    expect(Object.keys(stacks['farm-sensors'].tf.variable).sort()).toEqual([
      'farm_signing_key',
      'thingpark_client_secret',
    ]);
    expect(Object.keys(stacks['fleet-trackers'].tf.variable).sort()).toEqual([
      'fleet_signing_key',
      'thingpark_client_secret',
    ]);
  });

  it('declares every variable sensitive and ephemeral', () => {
    const variables = Object.values(stacks).flatMap(({ tf }) => Object.values(tf.variable) as TfJson[]);
    expect(variables).toHaveLength(4);
    expect(variables.every((v) => v.sensitive === true && v.ephemeral === true)).toBe(true);
  });

  it('targets the local emulator with client credentials by default', () => {
    expect(stacks['farm-sensors'].text).toHaveProviderWithProperties(IOTFLOW_PROVIDER_TYPE, {
      base_url: 'http://127.0.0.1:8787/iot-flow/v1',
      client_id: 'emulator-client',
      client_secret: '${var.thingpark_client_secret}',
      token_url: 'http://127.0.0.1:8787/users-auth/protocol/openid-connect/token',
    });
  });

  it('reads every connection of each stack back after apply, the backup one declared inactive', () => {
    const readBack = Object.entries(stacks).map(([name, { tf }]) => {
      const [back] = Object.values(readBacks(tf));
      return [name, back.ids.length, back.depends_on.length];
    });
    expect(readBack).toEqual([
      ['farm-sensors', 2, 2],
      ['fleet-trackers', 1, 1],
    ]);
    expect(resources('farm-sensors').map((r) => [r.name, r.active])).toEqual([
      ['Farm sensors to Qubitro (backup)', false],
      ['Farm sensors to Qubitro', undefined],
    ]);
  });

  it('writes no TF_VAR_ secret to any file', () => {
    expect(filesUnder(outdir).length).toBeGreaterThanOrEqual(3);
    for (const probe of Object.values(PROBES)) {
      expect(filesContaining(outdir, probe)).toEqual([]);
    }
  });

  it('synthesizes the same stacks as before', () => {
    // The local backend's state path is absolute; make it independent of the checkout location.
    const normalized = JSON.parse(
      JSON.stringify(
        withoutMetadata(Object.fromEntries(Object.entries(stacks).map(([k, v]) => [k, v.tf]))),
      ).replaceAll(ROOT, '<repo>'),
    );
    expect(normalized).toMatchSnapshot();
  });
});
