import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import {
  ConfigError,
  loadEnvironmentsConfig,
  parseEnvironmentsConfig,
  validateEnvironmentsConfig,
} from '../../../src';
import { baseConfig, configError, EXAMPLE_FILE, FILE, FLEET_PROJECT, load, PUMPS_PROJECT } from './fixture';
import { PRESETS } from '../../../src/presets/registry';

type Edit = (c: any) => void;

/** The ConfigError that parsing `text` as FILE raises; fails the test on anything else. */
function parsingError(text: string): ConfigError {
  try {
    parseEnvironmentsConfig(text, { file: FILE });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

interface BadConfig {
  readonly problem: string;
  readonly edit: Edit;
  /** The path the message names. */
  readonly path: string;
  /** How the message shows the value received. */
  readonly received: string;
  /** A part of the fix. */
  readonly fix: string;
  /** A secret the message must not contain. */
  readonly secret?: string;
}

const pumps = (connection: Record<string, unknown>) => ({
  key: 'pumps',
  projectId: PUMPS_PROJECT,
  connections: [{ id: 'Pumps', name: 'Pumps', promoteTo: ['dev'], ...connection }],
});

const BAD_CONFIGS: BadConfig[] = [
  {
    problem: 'an unknown environment in a promotion list',
    edit: (c) => c.projects[0].connections[1].promoteTo.push('prd'),
    path: 'projects[0].connections[1].promoteTo[1]',
    received: '"prd"',
    fix: 'declare prd under environments, or correct the spelling',
  },
  {
    problem: 'an environment listed twice in a promotion list',
    edit: (c) => c.projects[0].connections[1].promoteTo.push('dev'),
    path: 'projects[0].connections[1].promoteTo[1]',
    received: '"dev"',
    fix: 'remove the second dev',
  },
  {
    problem: 'an override for an unknown environment',
    edit: (c) => (c.projects[0].connections[0].overrides.staging = { active: false }),
    path: 'projects[0].connections[0].overrides.staging',
    received: '"staging"',
    fix: 'declare staging under environments',
  },
  {
    problem: 'project settings for an unknown environment',
    edit: (c) => (c.projects[1].environments = { qa: { projectId: FLEET_PROJECT } }),
    path: 'projects[1].environments.qa',
    received: '"qa"',
    fix: 'declare qa under environments',
  },
  {
    problem: 'duplicate project keys',
    edit: (c) => (c.projects[1].key = 'farm'),
    path: 'projects[1].key',
    received: '"farm"',
    fix: 'give each project its own key',
  },
  {
    problem: 'duplicate connection ids in a project',
    edit: (c) => (c.projects[0].connections[1].id = 'Uplinks'),
    path: 'projects[0].connections[1].id',
    received: '"Uplinks"',
    fix: 'give each connection of a project its own id',
  },
  {
    problem: 'a connection id the stack uses itself',
    edit: (c) => (c.projects[1].connections[0].id = 'Api'),
    path: 'projects[1].connections[0].id',
    received: '"Api"',
    fix: 'rename the connection id',
  },
  {
    problem: 'a stack name clash (dev + farm-fleet and dev-farm + fleet)',
    edit: (c) => {
      c.environments['dev-farm'] = { ...c.environments.dev };
      c.projects.push({ ...c.projects[1], key: 'farm-fleet' });
    },
    path: 'projects[1].key',
    received: '"fleet"',
    fix: 'rename the project or the environment so that no <env>-<project> stack name repeats',
  },
  {
    problem: 'a missing client secret variable name',
    edit: (c) => delete c.environments.prod.clientSecretVariable,
    path: 'environments.prod.clientSecretVariable',
    received: 'nothing',
    fix: 'add clientSecretVariable: prod_thingpark_client_secret and set TF_VAR_prod_thingpark_client_secret',
  },
  {
    problem: 'a client secret variable written with its TF_VAR_ prefix',
    edit: (c) => (c.environments.dev.clientSecretVariable = 'TF_VAR_dev_secret'),
    path: 'environments.dev.clientSecretVariable',
    received: '"TF_VAR_dev_secret"',
    fix: 'write dev_secret',
  },
  {
    problem: 'a secret pasted where a variable name belongs',
    edit: (c) => (c.environments.dev.clientSecretVariable = 'k9$Qz!pasted-secret-81f0'),
    path: 'environments.dev.clientSecretVariable',
    received: '(redacted)',
    fix: 'set the secret itself as TF_VAR_',
    secret: 'k9$Qz!pasted-secret-81f0',
  },
  {
    problem: 'both client credentials and a bearer token',
    edit: (c) => (c.environments.dev.bearerTokenVariable = 'dev_token'),
    path: 'environments.dev.bearerTokenVariable',
    received: '"dev_token"',
    fix: 'remove bearerTokenVariable to use the service account',
  },
  {
    problem: 'a connection projectId that is not a UUID',
    edit: (c) => c.projects.push(pumps({ projectId: 'pump-project' })),
    path: 'projects[2].connections[0].projectId',
    received: '"pump-project"',
    fix: 'copy the Project ID from the Qubitro portal',
  },
  {
    problem: 'a project projectId that is not a UUID',
    edit: (c) => (c.projects[1].projectId = '1234'),
    path: 'projects[1].projectId',
    received: '"1234"',
    fix: 'copy the Project ID from the Qubitro portal',
  },
  {
    problem: 'a baseUrl over plain http to a remote host',
    edit: (c) => (c.environments.prod.baseUrl = 'http://community.thingpark.io/iot-flow/v1'),
    path: 'environments.prod.baseUrl',
    received: '"http://community.thingpark.io/iot-flow/v1"',
    fix: 'use https://community.thingpark.io/iot-flow/v1',
  },
  {
    problem: 'an environment key that cannot be part of a stack name',
    edit: (c) => (c.environments.Prod_EU = c.environments.prod),
    path: 'environments.Prod_EU',
    received: '"Prod_EU"',
    fix: 'rename it, e.g. prod',
  },
  {
    problem: 'an unknown key (a typo)',
    edit: (c) => {
      c.projects[0].connections[0].uplinkTimeValidty = '10m';
    },
    path: 'projects[0].connections[0].uplinkTimeValidty',
    received: '"10m"',
    fix: 'rename it to uplinkTimeValidity',
  },
  {
    problem: 'a misspelt known key that looks like a secret, redacted all the same',
    edit: (c) => (c.environments.prod.tokenURL = 'https://community.thingpark.io/token'),
    path: 'environments.prod.tokenURL',
    received: '(redacted)',
    fix: 'rename it to tokenUrl',
  },
  {
    problem: 'importFrom for every environment at once',
    edit: (c) => (c.projects[1].connections[0].importFrom = '1114'),
    path: 'projects[1].connections[0].importFrom',
    received: '"1114"',
    fix: 'move it under overrides.<env>.importFrom',
  },
  {
    problem: 'an inline client secret',
    edit: (c) => (c.environments.dev.clientSecret = 'inline-client-secret-6b1d'),
    path: 'environments.dev.clientSecret',
    received: '(redacted)',
    fix: 'name the variable instead (clientSecretVariable',
    secret: 'inline-client-secret-6b1d',
  },
  {
    problem: 'an inline webhook signing key on a connection',
    edit: (c) => (c.projects[0].connections[0].overrides.prod.webhookSigningKey = 'inline-key-0c3e9a'),
    path: 'projects[0].connections[0].overrides.prod.webhookSigningKey',
    received: '(redacted)',
    fix: 'name the variable instead with signingKeyVariable',
    secret: 'inline-key-0c3e9a',
  },
  {
    problem: 'inline S3 credentials',
    edit: (c) => (c.environments.prod.backend = { s3: { bucket: 'state', secretKey: 'aws-secret-7d2f0b' } }),
    path: 'environments.prod.backend.s3.secretKey',
    received: '(redacted)',
    fix: 'AWS_SECRET_ACCESS_KEY',
    secret: 'aws-secret-7d2f0b',
  },
  {
    problem: 'two connections of one environment with the same name',
    edit: (c) => (c.projects[1].connections[0].name = 'Farm uplinks'),
    path: 'projects[1].connections[0].name',
    received: '"Farm uplinks"',
    fix: 'give each connection of dev its own name',
  },
  {
    problem: 'a local state path every stack would share',
    edit: (c) => (c.environments.prod.backend = { local: { path: 'prod/terraform.tfstate' } }),
    path: 'environments.prod.backend.local.path',
    received: '"prod/terraform.tfstate"',
    fix: 'make it unique per stack',
  },
  {
    problem: 'two backends for one environment',
    edit: (c) => (c.environments.prod.backend = { local: {}, s3: { bucket: 'state' } }),
    path: 'environments.prod.backend',
    received: '{"local":{},"s3":{"bucket":"state"}}',
    fix: 'keep one backend kind per environment',
  },
  {
    problem: 'a downlink port out of the LoRaWAN range',
    edit: (c) => (c.projects[1].connections[0].downlinkPort = 300),
    path: 'projects[1].connections[0].downlinkPort',
    received: '300',
    fix: 'use an FPort from 1 to 223',
  },
  {
    problem: 'an override with a bad duration',
    edit: (c) => (c.projects[0].connections[0].overrides.prod.uplinkTimeValidity = 'soon'),
    path: 'projects[0].connections[0].overrides.prod.uplinkTimeValidity',
    received: '"soon"',
    fix: 'write a number followed by s, m, h or d',
  },
  {
    problem: 'a name the provider cannot read back',
    edit: (c) => (c.projects[0].connections[1].name = 'Farm "debug"'),
    path: 'projects[0].connections[1].name',
    received: '"Farm \\"debug\\""',
    fix: 'remove those characters from name',
  },
  {
    problem: 'a signing key variable that is the client secret variable',
    edit: (c) => (c.projects[1].signingKeyVariable = 'dev_thingpark_client_secret'),
    path: 'projects[1].signingKeyVariable',
    received: '"dev_thingpark_client_secret"',
    fix: 'name it e.g. dev_fleet_signing_key',
  },
  {
    problem: 'one signing key variable for two Qubitro projects',
    edit: (c) => {
      c.projects[0].signingKeyVariable = 'farm_key';
      c.projects[1].signingKeyVariable = 'farm_key';
    },
    path: 'projects[1].signingKeyVariable',
    received: '"farm_key"',
    fix: 'or leave it out for the default dev_fleet_signing_key',
  },
  {
    problem: 'a Qubitro project id on a project of another kind',
    edit: (c) => (c.projects[1].kind = 'tago'),
    path: 'projects[1].projectId',
    received: `"${FLEET_PROJECT}"`,
    fix: 'remove it, or correct its spelling',
  },
  {
    problem: "a signing key variable on a project whose kind names its secret's variable otherwise",
    edit: (c) => {
      c.projects[1] = {
        ...c.projects[1],
        kind: 'tago',
        projectId: undefined,
        signingKeyVariable: 'fleet_key',
      };
    },
    path: 'projects[1].signingKeyVariable',
    received: '"fleet_key"',
    fix: 'rename it to tagoAuthorizationVariable',
  },
  {
    problem: 'a connection promoted nowhere',
    edit: (c) => (c.projects[1].connections[0].promoteTo = []),
    path: 'projects[1].connections[0].promoteTo',
    received: '[]',
    fix: 'list the environments it is deployed to',
  },
];

describe('a bad environments config', () => {
  it('refuses an unknown kind, naming the kinds of the presets', () => {
    const config = baseConfig();
    config.projects[1].kind = 'tagoio';
    const [problem] = configError(config).problems;
    expect(problem).toMatchObject({ field: 'projects[1].kind', value: 'tagoio' });
    expect(problem.allowed).toContain(PRESETS.map((p) => p.kind).join(', '));
    expect(problem.fix).toContain('kind: tago');
  });

  it.each(BAD_CONFIGS)('fails on $problem with the file, path, value and fix', (bad) => {
    const config = baseConfig();
    bad.edit(config);
    const err = configError(config);
    expect(err.message).toContain(`${FILE}:`);
    expect(err.message).toContain(`invalid ${bad.path}: received ${bad.received}; allowed: `);
    expect(err.message).toMatch(new RegExp(`Fix: [^\\n]*${bad.fix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    if (bad.secret) expect(err.message).not.toContain(bad.secret);
  });

  it('never shows a secret written under a secret-like key, wherever it is in the file', () => {
    const keys = [
      'clientSecret',
      'webhookSigningKey',
      'bearerToken',
      'token',
      'password',
      'apiKey',
      'secretKey',
      'accessKey',
      'downlinkAsKey',
      'privateKey',
    ];
    const places: ((c: Parameters<Edit>[0]) => Record<string, unknown>)[] = [
      (c) => c,
      (c) => c.environments.dev,
      (c) => (c.environments.prod.backend = { s3: { bucket: 'state' } }).s3,
      (c) => (c.environments.prod.backend = { remote: { organization: 'ops' } }).remote,
      (c) => c.projects[1],
      (c) => c.projects[0].environments.prod,
      (c) => c.projects[0].connections[1],
      (c) => c.projects[0].connections[0].overrides.prod,
    ];
    for (let i = 0; i < keys.length * places.length; i++) {
      const secret = `s3cr3t-${i}-${(i * 7919).toString(36)}|"*`;
      const config = baseConfig();
      const value = [secret, { value: secret }, [secret]][i % 3];
      places[i % places.length](config)[keys[i % keys.length]] = value;
      const err = configError(config);
      expect(err.message).toContain(`.${keys[i % keys.length]}: received (redacted)`.replace(/^\./, ''));
      expect(err.message).not.toContain(`s3cr3t-${i}-`);
    }
  });

  it('names the line of the value in the file', () => {
    const config = baseConfig();
    config.projects[1].projectId = 'not-a-uuid';
    const err = configError(config);
    const line = stringify(config)
      .split('\n')
      .findIndex((l) => l.includes('not-a-uuid'));
    expect(err.problems.map((p) => [p.field, p.line])).toEqual([['projects[1].projectId', line + 1]]);
    expect(err.message.startsWith(`${FILE}:${line + 1}: invalid projects[1].projectId`)).toBe(true);
  });

  it('reports every field problem at once, one line each', () => {
    const config = baseConfig();
    config.projects[0].projectId = 'x';
    config.environments.dev.maxRetries = 99;
    const err = configError(config);
    expect(err.problems.map((p) => p.field).sort()).toEqual([
      'environments.dev.maxRetries',
      'projects[0].projectId',
    ]);
    expect(err.message.split('\n')).toHaveLength(2);
  });

  it('reports a promoteTo typo and a duplicate connection name at once', () => {
    const config = baseConfig();
    config.projects[0].connections[1].promoteTo = ['dev', 'prd'];
    config.projects[1].connections[0].name = 'Farm uplinks';
    const err = configError(config);
    expect(err.problems.map((p) => p.field)).toEqual([
      'projects[0].connections[1].promoteTo[1]',
      'projects[1].connections[0].name',
    ]);
  });

  it('refuses a file nested 2,600 levels deep with a ConfigError naming the line and the nesting', () => {
    const flow = `environments: ${'['.repeat(2600)}${']'.repeat(2600)}\n`;
    let block = '';
    for (let i = 0; i < 2600; i++) block += `${' '.repeat(i)}a:\n`;
    for (const text of [flow, block]) {
      const err = parsingError(text);
      expect(err.message).toMatch(new RegExp(`^${FILE}:\\d+: nested more than 64 levels deep\\. Fix: `));
      expect(err.message).toContain('remove the nesting');
    }
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a %s key anywhere in the file, naming its path, line and fix',
    (key) => {
      const text = stringify(baseConfig()).replace('  dev:\n', `  dev:\n    ${key}:\n      polluted: true\n`);
      const err = parsingError(text);
      expect(err.message).toBe(
        `${FILE}:3: invalid environments.dev.${key}: received nothing; allowed: the keys of the environments ` +
          `schema; never __proto__, constructor, prototype. Fix: remove ${key} and what it holds`,
      );
    },
  );

  it('refuses a file that is not YAML, naming the line without quoting it', () => {
    const text =
      'environments:\n  dev: {baseUrl: "https://x.example/iot-flow/v1", clientSecret: "q\\z-secret-1"\n';
    let err: unknown;
    try {
      parseEnvironmentsConfig(text, { file: FILE });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`^${FILE}:2: not valid YAML`));
    expect((err as Error).message).not.toContain('secret-1');
  });

  it('refuses an empty file as a whole', () => {
    expect(() => parseEnvironmentsConfig('', { file: FILE })).toThrow(
      `${FILE}: invalid (the whole file): received null; allowed: an environments config`,
    );
  });

  it('names a missing file', () => {
    expect(() => loadEnvironmentsConfig('/nowhere/environments.yaml')).toThrow(
      '/nowhere/environments.yaml: cannot read the environments config (ENOENT)',
    );
  });

  it('is checked the same when built in code, named by the file option', () => {
    const config = baseConfig();
    config.projects[0].connections[0].promoteTo = ['dev', 'qa'];
    expect(() => validateEnvironmentsConfig(config, { file: 'stacks.ts' })).toThrow(
      'stacks.ts: invalid projects[0].connections[0].promoteTo[1]: received "qa"',
    );
  });
});

describe('a good environments config', () => {
  it('loads the example file with its relative paths based on its folder', () => {
    const loaded = loadEnvironmentsConfig(EXAMPLE_FILE);
    expect(Object.keys(loaded.config.environments)).toEqual(['dev', 'prod']);
    expect(loaded.config.projects.map((p) => p.key)).toEqual(['farm', 'fleet']);
    expect(loaded.baseDir).toBe(path.dirname(EXAMPLE_FILE));
  });

  it('accepts YAML anchors and merge keys to share options', () => {
    const text = fs
      .readFileSync(EXAMPLE_FILE, 'utf8')
      .replace('  dev:\n    baseUrl', '  dev: &dev\n    baseUrl')
      .replace('  prod:\n    baseUrl: https://community.thingpark.io/iot-flow/v1', '  prod:\n    <<: *dev');
    const loaded = parseEnvironmentsConfig(text);
    expect(loaded.config.environments.prod).toMatchObject({
      baseUrl: 'http://127.0.0.1:8787/iot-flow/v1',
      clientSecretVariable: 'prod_thingpark_client_secret',
    });
  });

  it('reads the file named on disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
    try {
      const file = path.join(dir, 'environments.yaml');
      fs.writeFileSync(file, stringify(baseConfig()));
      expect(loadEnvironmentsConfig(file)).toMatchObject({ file, baseDir: dir });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its data unchanged by the check', () => {
    expect(load(baseConfig()).config).toEqual(baseConfig());
  });
});
