/** A stack synthesized without `qubitro-engine install`'s environment warns, naming the command. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { QubitroProjectStack } from '../../src';
import { ENGINE_INSTALL_COMMAND, missingEngineEnvironment } from '../../src/engine-environment';
import { BASE_URL, PROJECT_ID } from '../support/synth';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-engine-env-'));
const saved = process.env.TF_CLI_CONFIG_FILE;

afterEach(() => {
  if (saved === undefined) delete process.env.TF_CLI_CONFIG_FILE;
  else process.env.TF_CLI_CONFIG_FILE = saved;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The warnings of one synthesized project stack, as cdktf's manifest hands them to the CLI. */
function synthWarnings(): string[] {
  const outdir = fs.mkdtempSync(path.join(tmp, 'out-'));
  const app = new App({ outdir });
  new QubitroProjectStack(app, 'farm', {
    baseUrl: BASE_URL,
    clientId: 'client',
    projectId: PROJECT_ID,
    connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],
  });
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return (manifest.stacks.farm.annotations as { level: string; message: string }[])
    .filter((a) => a.level.endsWith('/warn')) // @cdktf/warn, also under cdktn
    .map((a) => a.message);
}

/** A CLI config as `qubitro-engine install` writes it (the part the check reads). */
function installerConfig(): string {
  const file = path.join(tmp, 'cli.tfrc');
  fs.writeFileSync(
    file,
    'provider_installation {\n  filesystem_mirror {\n    path = "/m"\n' +
      '    include = ["registry.opentofu.org/thingpark-qubitro/iotflow", "registry.terraform.io/thingpark-qubitro/iotflow"]\n  }\n}\n',
  );
  return file;
}

describe('the engine environment check', () => {
  test('a stack synthesized without TF_CLI_CONFIG_FILE warns once, naming qubitro-engine install', () => {
    delete process.env.TF_CLI_CONFIG_FILE;
    const warnings = synthWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'run `eval "$(npx qubitro-engine install)"` in this shell before deploying',
    );
    expect(warnings[0]).toContain('(TF_CLI_CONFIG_FILE is not set)');
    expect(ENGINE_INSTALL_COMMAND).toBe('eval "$(npx qubitro-engine install)"');
  });

  test('a stack synthesized in the installer environment does not warn', () => {
    process.env.TF_CLI_CONFIG_FILE = installerConfig();
    expect(synthWarnings()).toEqual([]);
  });

  test('a CLI config file that is missing, or serves no iotflow mirror, is named as the reason', () => {
    expect(missingEngineEnvironment({ TF_CLI_CONFIG_FILE: path.join(tmp, 'absent.tfrc') })).toBe(
      `TF_CLI_CONFIG_FILE names ${path.join(tmp, 'absent.tfrc')}, which cannot be read`,
    );
    const other = path.join(tmp, 'other.tfrc');
    fs.writeFileSync(other, 'disable_checkpoint = true\n');
    expect(missingEngineEnvironment({ TF_CLI_CONFIG_FILE: other })).toBe(
      `TF_CLI_CONFIG_FILE names ${other}, which serves no thingpark-qubitro/iotflow mirror`,
    );
    expect(missingEngineEnvironment({ TF_CLI_CONFIG_FILE: installerConfig() })).toBeUndefined();
  });
});
