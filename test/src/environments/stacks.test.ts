import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import {
  addEnvironmentStacks,
  ConfigError,
  defaultSigningKeyVariable,
  parseEnvironmentsConfig,
  PresetProjectStack,
} from '../../../src';
import { connections, iotflowProviders, TfJson } from '../../support/synth';
import {
  baseConfig,
  bodiesByName,
  EXAMPLE_FILE,
  FARM_PROD_PROJECT,
  FARM_PROJECT,
  FILE,
  FLEET_PROJECT,
  load,
  synthesize,
} from './fixture';

const outdirs: string[] = [];
function stacksOf(config: unknown): Record<string, TfJson> {
  const { outdir, stacks } = synthesize(config);
  outdirs.push(outdir);
  return stacks;
}

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('stacks per environment and project', () => {
  it('makes one stack named <env>-<project> per environment with a promoted connection', () => {
    expect(Object.keys(stacksOf(baseConfig()))).toEqual(['dev-farm', 'dev-fleet', 'prod-farm']);
  });

  it('puts in each stack only the connections promoted to its environment', () => {
    const stacks = stacksOf(baseConfig());
    expect(Object.keys(bodiesByName(stacks['dev-farm'])).sort()).toEqual(['Farm debug feed', 'Farm uplinks']);
    expect(Object.keys(bodiesByName(stacks['prod-farm']))).toEqual(['Farm uplinks']);
  });

  it('makes no stack for a project with nothing promoted to an environment', () => {
    expect(Object.keys(stacksOf(baseConfig()))).not.toContain('prod-fleet');
  });

  it('keeps a stack without connections for an environment the project lists', () => {
    const config = baseConfig();
    config.projects[1].environments = { prod: {} };
    const stacks = stacksOf(config);
    expect(Object.keys(stacks)).toContain('prod-fleet');
    expect(bodiesByName(stacks['prod-fleet'])).toEqual({});
  });

  it('applies the overrides of the stack environment only', () => {
    const stacks = stacksOf(baseConfig());
    expect(bodiesByName(stacks['prod-farm'])['Farm uplinks'].configuration).toMatchObject({
      reconnectStrategy: 'CALM',
      uplinkTimeValidity: '5m',
    });
    expect(bodiesByName(stacks['dev-farm'])['Farm uplinks'].configuration.reconnectStrategy).toBeUndefined();
  });

  it('uses the project id of the environment, else the project', () => {
    const stacks = stacksOf(baseConfig());
    const projectOf = (stack: string, name: string) =>
      bodiesByName(stacks[stack])[name].configuration.headers.projectId;
    expect(projectOf('dev-farm', 'Farm uplinks')).toBe(FARM_PROJECT);
    expect(projectOf('prod-farm', 'Farm uplinks')).toBe(FARM_PROD_PROJECT);
    expect(projectOf('dev-fleet', 'Fleet trackers')).toBe(FLEET_PROJECT);
  });

  it('sends an id from an override of one environment as an import there only', () => {
    const config = baseConfig();
    config.projects[0].connections[0].overrides.prod.importFrom = '1114';
    const stacks = stacksOf(config);
    expect(stacks['prod-farm'].import).toEqual([expect.objectContaining({ id: '1114' })]);
    expect(stacks['dev-farm'].import).toBeUndefined();
  });

  it('names the environment client secret variable and a default signing key variable per stack', () => {
    const stacks = stacksOf(baseConfig());
    expect(Object.keys(stacks['dev-farm'].variable).sort()).toEqual([
      'dev_farm_signing_key',
      'dev_thingpark_client_secret',
    ]);
    expect(Object.keys(stacks['prod-farm'].variable).sort()).toEqual([
      'prod_farm_signing_key',
      'prod_thingpark_client_secret',
    ]);
  });

  it('writes hyphens of keys as underscores in the default signing key variable', () => {
    expect(defaultSigningKeyVariable('prod-eu', 'farm-sensors')).toBe('prod_eu_farm_sensors_signing_key');
  });

  it('uses the signing key variable of the environment, else of the project', () => {
    const config = baseConfig();
    config.projects[0].signingKeyVariable = 'farm_key';
    config.projects[0].environments.prod.signingKeyVariable = 'farm_prod_key';
    const stacks = stacksOf(config);
    expect(stacks['dev-farm'].variable).toHaveProperty('farm_key.sensitive', true);
    expect(stacks['prod-farm'].variable).toHaveProperty('farm_prod_key.sensitive', true);
  });

  it('declares a bearer token variable for an environment without a client id', () => {
    const config = baseConfig();
    config.environments.dev = {
      baseUrl: 'https://dev.example.com/iot-flow/v1',
      bearerTokenVariable: 'dev_token',
    };
    const stacks = stacksOf(config);
    expect(iotflowProviders(stacks['dev-farm'])[0].bearer_token).toBe('${var.dev_token}');
    expect(stacks['dev-farm'].variable.dev_token).toMatchObject({ sensitive: true, ephemeral: true });
  });

  it('connects each stack to its environment endpoint', () => {
    const stacks = stacksOf(baseConfig());
    expect(iotflowProviders(stacks['dev-fleet'])[0].base_url).toBe('http://127.0.0.1:8787/iot-flow/v1');
    expect(iotflowProviders(stacks['prod-farm'])[0].base_url).toBe(
      'https://community.thingpark.io/iot-flow/v1',
    );
  });

  it('records the environment and project in the stack metadata', () => {
    expect(stacksOf(baseConfig())['prod-farm']['//'].qubitro).toEqual({
      environment: 'prod',
      project: 'farm',
    });
  });

  it('returns each stack with its environment and project', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ret-')) });
    outdirs.push(app.outdir);
    const stacks = addEnvironmentStacks(app, load(baseConfig()));
    expect(stacks.map(({ name, environment, project }) => [name, environment, project])).toEqual([
      ['dev-farm', 'dev', 'farm'],
      ['dev-fleet', 'dev', 'fleet'],
      ['prod-farm', 'prod', 'farm'],
    ]);
    expect(stacks.every((s) => s.stack instanceof PresetProjectStack)).toBe(true);
  });

  it('refuses a stack name another construct of the app already has', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'clash-')) });
    outdirs.push(app.outdir);
    new TerraformStack(app, 'dev-fleet');
    expect(() => addEnvironmentStacks(app, load(baseConfig()))).toThrow(ConfigError);
    expect(() => addEnvironmentStacks(new App({ outdir: app.outdir }), load(baseConfig()))).not.toThrow();
  });
});

describe('a loaded config edited in code', () => {
  it('is checked again before its stacks are added, so an inline secret is still refused', () => {
    const source = load(baseConfig());
    (source.config.environments.dev as Record<string, unknown>).clientSecret = 'inline-secret-9f8e7d';
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'edited-')) });
    outdirs.push(app.outdir);
    expect(() => addEnvironmentStacks(app, source)).toThrow(/environments\.dev\.clientSecret/);
  });

  it('gives its stacks the edited values', () => {
    const source = load(baseConfig());
    source.config.environments.dev.baseUrl = 'http://127.0.0.1:9999/iot-flow/v1';
    expect(iotflowProviders(stacksOf(source)['dev-farm'])[0].base_url).toBe(
      'http://127.0.0.1:9999/iot-flow/v1',
    );
  });
});

describe('state backends', () => {
  it('keeps each stack state in terraform.<stack>.tfstate next to the config by default', () => {
    const stacks = stacksOf(load(baseConfig(), '/srv/app'));
    expect(stacks['dev-farm'].terraform.backend).toEqual({
      local: { path: '/srv/app/terraform.dev-farm.tfstate' },
    });
  });

  it('keeps local states under stateDir, relative to the config folder', () => {
    const config = baseConfig();
    config.stateDir = 'state';
    config.environments.prod.backend = { local: { path: '{env}/{project}.tfstate' } };
    const stacks = stacksOf(load(config, '/srv/app'));
    expect(stacks['dev-farm'].terraform.backend.local.path).toBe('/srv/app/state/terraform.dev-farm.tfstate');
    expect(stacks['prod-farm'].terraform.backend.local.path).toBe('/srv/app/state/prod/farm.tfstate');
  });

  it('maps an s3 backend with one key per stack', () => {
    const config = baseConfig();
    config.environments.prod.backend = { s3: { bucket: 'farm-state', region: 'eu-west-1', encrypt: true } };
    expect(stacksOf(config)['prod-farm'].terraform.backend).toEqual({
      s3: { bucket: 'farm-state', key: 'qubitro/prod-farm.tfstate', region: 'eu-west-1', encrypt: true },
    });
  });

  it('maps a remote backend with one workspace per stack', () => {
    const config = baseConfig();
    config.environments.prod.backend = {
      remote: { organization: 'farm-ops', workspaces: { name: 'qubitro-{env}-{project}' } },
    };
    expect(stacksOf(config)['prod-farm'].terraform.backend).toEqual({
      remote: { organization: 'farm-ops', workspaces: { name: 'qubitro-prod-farm' } },
    });
  });
});

describe('promotion', () => {
  it('is a one-line change of the example file after which the prod stack gains exactly that connection', () => {
    const before = fs.readFileSync(EXAMPLE_FILE, 'utf8');
    const after = before.replace('promoteTo: [dev]', 'promoteTo: [dev, prod]');
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toEqual(['        promoteTo: [dev, prod]']);

    const prod = (text: string) =>
      connections(stacksOf(parseEnvironmentsConfig(text, { file: FILE, baseDir: '/srv/app' }))['prod-farm']);
    const was = prod(before);
    const is = prod(after);
    const added = Object.keys(is).filter((k) => !(k in was));
    expect(added.map((k) => is[k].name)).toEqual(['Farm sensors debug feed']);
    expect(Object.fromEntries(Object.keys(was).map((k) => [k, is[k]]))).toEqual(was);
  });
});

describe('encryption per environment', () => {
  it('encrypts the states and plans of an environment that names a passphrase variable, and only those', () => {
    const config = baseConfig();
    config.environments.prod.encryptionPassphraseVariable = 'prod_state_passphrase';
    const stacks = stacksOf(config);
    expect(stacks['prod-farm'].terraform.encryption.key_provider.pbkdf2.passphrase.passphrase).toBe(
      '${var.prod_state_passphrase}',
    );
    expect(stacks['dev-farm'].terraform.encryption).toBeUndefined();
  });
});

describe('projects of other presets', () => {
  /** The base config with a TagoIO and a Datacake project beside the Qubitro ones. */
  function withOtherPresets(): any {
    const config = baseConfig();
    config.projects.push(
      {
        key: 'tanks',
        kind: 'tago',
        connections: [{ id: 'Levels', name: 'Tank levels', promoteTo: ['dev', 'prod'] }],
      },
      {
        key: 'dash',
        kind: 'datacake',
        datacakeTokenVariable: 'dash_token',
        connections: [{ id: 'Board', name: 'Dashboard feed', promoteTo: ['dev'] }],
      },
    );
    return config;
  }

  it('makes one stack per environment and project, whatever its kind', () => {
    expect(Object.keys(stacksOf(withOtherPresets())).sort()).toEqual([
      'dev-dash',
      'dev-farm',
      'dev-fleet',
      'dev-tanks',
      'prod-farm',
      'prod-tanks',
    ]);
  });

  it("reads each secret from the variable its kind names: <env>_<project>_<suffix>, or the project's own", () => {
    const stacks = stacksOf(withOtherPresets());
    const secrets = (name: string) => Object.values(connections(stacks[name]))[0].secrets_wo;
    expect(secrets('dev-tanks')).toEqual({
      'destinationURL?authorization': '${var.dev_tanks_tago_authorization}',
    });
    expect(secrets('prod-tanks')).toEqual({
      'destinationURL?authorization': '${var.prod_tanks_tago_authorization}',
    });
    expect(secrets('dev-dash')).toEqual({ 'headers.Authorization': 'Token ${var.dash_token}' });
    expect(stacks['dev-dash'].variable.dash_token).toMatchObject({ sensitive: true, ephemeral: true });
    expect(Object.keys(stacks['dev-tanks'].variable)).not.toContain('dev_tanks_signing_key');
  });

  it('sends each connection with the brand of its project', () => {
    const stacks = stacksOf(withOtherPresets());
    expect(bodiesByName(stacks['dev-tanks'])['Tank levels']).toMatchObject({
      brand: 'TAGO',
      configuration: { destinationURL: 'https://actility.middleware.tago.io/uplink?authorization=*****' },
    });
    expect(bodiesByName(stacks['dev-dash'])['Dashboard feed']).toMatchObject({ brand: 'DATACAKE' });
  });

  it('leaves the Qubitro stacks as they are, and kind: qubitro is the default spelt out', () => {
    const before = stacksOf(baseConfig());
    const config = withOtherPresets();
    config.projects[0].kind = 'qubitro';
    const after = stacksOf(config);
    for (const name of Object.keys(before)) expect(after[name]).toEqual(before[name]);
  });
});
