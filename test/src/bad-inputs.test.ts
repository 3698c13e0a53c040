/**
 * One table of bad inputs across construct props and the environments config: each is rejected at synth
 * with where (construct path or file), the field, the value received (a secret's redacted) and the fix.
 * (test/src/validation.test.ts and test/src/environments/config.test.ts go deeper, rule by rule.)
 */
import { App } from 'cdktf';
import {
  IotFlowApi,
  IotFlowConnection,
  QubitroProjectStack,
  unsafePlaintextSecret,
  ValidationError,
} from '../../src';
import { baseConfig, configError, FILE } from './environments/fixture';
import { BASE_URL, newStack, oauthApi, PROJECT_ID, qubitro, secretVar } from '../support/synth';

interface BadInput {
  readonly input: string;
  readonly act: () => void;
  /** Where: the construct path, or the config file. */
  readonly where: string;
  readonly field: string;
  /** How the value is shown. */
  readonly received: string;
  readonly fix: RegExp;
  /** A value that must not appear in the message. */
  readonly secret?: string;
}

const connection = (props: Record<string, unknown>) => () => {
  const stack = newStack();
  qubitro(stack, oauthApi(stack), 'Uplinks', props);
};
const api = (props: Record<string, unknown>) => () => {
  const stack = newStack();
  oauthApi(stack, 'Api', props);
};
const config = (edit: (c: any) => void) => () => {
  const c = baseConfig();
  edit(c);
  throw configError(c);
};

const SECRET = 'leaky-secret-4d3c2b1a';

const BAD_INPUTS: BadInput[] = [
  {
    input: 'an empty name',
    act: connection({ name: '' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '""',
    fix: /non-empty/,
  },
  {
    input: 'a 129-character name',
    act: connection({ name: 'x'.repeat(129) }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"xxx',
    fix: /shorten name/,
  },
  {
    input: 'a name with a line break',
    act: connection({ name: 'a\nb' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"a\\nb"',
    fix: /remove those characters/,
  },
  {
    input: 'a name of only spaces',
    act: connection({ name: '   ' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"   "',
    fix: /visible value/,
  },
  {
    input: 'a name with a C1 control character (U+0085)',
    act: connection({ name: 'a\u0085b' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"a\u0085b"',
    fix: /remove those characters/,
  },
  {
    input: 'a destinationUrl with a Terraform template',
    act: connection({ destinationUrl: 'https://collector.example/hook?k=${var.client_secret}' }),
    where: 'stack/Uplinks',
    field: 'destinationUrl',
    received: '"https://collector.example/hook?k=${var.client_secret}"',
    fix: /pass a TerraformVariable's value \(its \.stringValue\) as destinationUrl/,
  },
  {
    input: 'a baseUrl that writes a variable as ${var.x}',
    act: api({ baseUrl: 'https://${var.host}/iot-flow/v1' }),
    where: 'stack/Api',
    field: 'baseUrl',
    received: '"https://${var.host}/iot-flow/v1"',
    fix: /pass a TerraformVariable's value/,
  },
  {
    input: 'a name with a bidi override (U+202E)',
    act: connection({ name: 'Farm \u202Eputs' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"Farm \\u202eputs"',
    fix: /read differently/,
  },
  {
    input: 'a name with a bidi isolate (U+2066)',
    act: connection({ name: 'Farm \u2066x\u2069' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"Farm \\u2066x\\u2069"',
    fix: /read differently/,
  },
  {
    input: 'a description with a line separator (U+2028)',
    act: connection({ description: 'one\u2028two' }),
    where: 'stack/Uplinks',
    field: 'description',
    received: '"one\\u2028two"',
    fix: /read differently/,
  },
  {
    input: 'a name with a lone surrogate',
    act: connection({ name: 'Farm \uD800' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"Farm \\ud800"',
    fix: /read differently/,
  },
  {
    input: 'a destinationUrl with a #fragment',
    act: connection({ destinationUrl: 'https://webhook.qubitro.com/integrations/actility#x' }),
    where: 'stack/Uplinks',
    field: 'destinationUrl',
    received: '"https://webhook.qubitro.com/integrations/actility#x"',
    fix: /remove everything from # on in destinationUrl/,
  },
  {
    input: 'the nil UUID as projectId',
    act: connection({ projectId: '00000000-0000-0000-0000-000000000000' }),
    where: 'stack/Uplinks',
    field: 'projectId',
    received: '"00000000-0000-0000-0000-000000000000"',
    fix: /Qubitro portal/,
  },
  {
    input: 'an alarm startTime without a date and offset',
    act: connection({ alarms: [{ startTime: '09:00' }] }),
    where: 'stack/Uplinks',
    field: 'alarms[0].startTime',
    received: '"09:00"',
    fix: /2019-01-31T09:00:00\+01:00/,
  },
  {
    input: 'an alarm endTime without an offset',
    act: connection({ alarms: [{ endTime: '2019-01-31T18:00:00' }] }),
    where: 'stack/Uplinks',
    field: 'alarms[0].endTime',
    received: '"2019-01-31T18:00:00"',
    fix: /date, time and offset/,
  },
  {
    input: 'an alarm timezone that is an abbreviation with an offset',
    act: connection({ alarms: [{ timezone: 'CET+1' }] }),
    where: 'stack/Uplinks',
    field: 'alarms[0].timezone',
    received: '"CET+1"',
    fix: /Europe\/Paris/,
  },
  {
    input: 'a client secret written on QubitroProjectStack props',
    act: () =>
      new QubitroProjectStack(new App(), 'farm', {
        baseUrl: BASE_URL,
        clientId: 'c',
        projectId: PROJECT_ID,
        connections: [{ id: 'Uplinks', name: 'Uplinks' }],
        clientSecret: SECRET,
      } as never),
    where: 'farm',
    field: 'clientSecret',
    received: '(redacted)',
    fix: /reads the client secret from TF_VAR_thingpark_client_secret/,
    secret: SECRET,
  },
  {
    input: 'a signing key written on QubitroProjectStack props, with a variable named',
    act: () =>
      new QubitroProjectStack(new App(), 'farm', {
        baseUrl: BASE_URL,
        clientId: 'c',
        projectId: PROJECT_ID,
        signingKeyVariable: 'farm_signing_key',
        connections: [{ id: 'Uplinks', name: 'Uplinks' }],
        webhookSigningKey: SECRET,
      } as never),
    where: 'farm',
    field: 'webhookSigningKey',
    received: '(redacted)',
    fix: /TF_VAR_farm_signing_key/,
    secret: SECRET,
  },
  {
    input: 'config: a connection name with a bidi override',
    act: config((c) => (c.projects[0].connections[0].name = 'Farm \u202Eputs')),
    where: FILE,
    field: 'projects[0].connections[0].name',
    received: '"Farm \\u202eputs"',
    fix: /read differently/,
  },
  {
    input: 'config: the nil UUID as projectId',
    act: config((c) => (c.projects[0].projectId = '00000000-0000-0000-0000-000000000000')),
    where: FILE,
    field: 'projects[0].projectId',
    received: '"00000000-0000-0000-0000-000000000000"',
    fix: /Qubitro portal/,
  },
  {
    input: 'a destinationUrl with user:password@',
    act: connection({ destinationUrl: 'https://user:pass@collector.example/hook' }),
    where: 'stack/Uplinks',
    field: 'destinationUrl',
    received: '"https://user:pass@collector.example/hook"',
    fix: /remove the credentials/,
  },
  {
    input: 'a baseUrl with a query',
    act: api({ baseUrl: 'https://community.thingpark.io/iot-flow/v1?x=1' }),
    where: 'stack/Api',
    field: 'baseUrl',
    received: '"https://community.thingpark.io/iot-flow/v1?x=1"',
    fix: /remove everything from \? or #/,
  },
  {
    input: 'a baseUrl with a fragment',
    act: api({ baseUrl: 'https://community.thingpark.io/iot-flow/v1#top' }),
    where: 'stack/Api',
    field: 'baseUrl',
    received: '"https://community.thingpark.io/iot-flow/v1#top"',
    fix: /remove everything from \? or #/,
  },
  {
    input: 'a tokenUrl with a Terraform template',
    act: api({ tokenUrl: 'https://community.thingpark.io/%{if true}x%{endif}' }),
    where: 'stack/Api',
    field: 'tokenUrl',
    received: '"https://community.thingpark.io/%{if true}x%{endif}"',
    fix: /percent-encoded as %24 or %25/,
  },
  {
    input: 'an alarm message with a Terraform template',
    act: connection({ alarms: [{ message: 'rate ${var.x}' }] }),
    where: 'stack/Uplinks',
    field: 'alarms[0].message',
    received: '"rate ${var.x}"',
    fix: /remove those sequences/,
  },
  {
    input: 'a name with a double quote',
    act: connection({ name: 'a "b"' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"a \\"b\\""',
    fix: /remove those characters/,
  },
  {
    input: 'a name with a Terraform template',
    act: connection({ name: 'cost ${x}' }),
    where: 'stack/Uplinks',
    field: 'name',
    received: '"cost ${x}"',
    fix: /remove those sequences/,
  },
  {
    input: 'a projectId that is not a UUID',
    act: connection({ projectId: 'farm-1' }),
    where: 'stack/Uplinks',
    field: 'projectId',
    received: '"farm-1"',
    fix: /Qubitro portal/,
  },
  {
    input: 'an http destinationUrl',
    act: connection({ destinationUrl: 'http://hook.example.com' }),
    where: 'stack/Uplinks',
    field: 'destinationUrl',
    received: '"http://hook.example.com"',
    fix: /webhook\.qubitro\.com/,
  },
  {
    input: 'a destinationUrl that is no URL',
    act: connection({ destinationUrl: 'webhook' }),
    where: 'stack/Uplinks',
    field: 'destinationUrl',
    received: '"webhook"',
    fix: /https:/,
  },
  {
    input: 'downlinkPort 0',
    act: connection({ downlinkPort: 0 }),
    where: 'stack/Uplinks',
    field: 'downlinkPort',
    received: '0',
    fix: /1 to 223/,
  },
  {
    input: 'downlinkPort 224',
    act: connection({ downlinkPort: 224 }),
    where: 'stack/Uplinks',
    field: 'downlinkPort',
    received: '224',
    fix: /reserved/,
  },
  {
    input: 'a fractional downlinkPort',
    act: connection({ downlinkPort: 1.5 }),
    where: 'stack/Uplinks',
    field: 'downlinkPort',
    received: '1.5',
    fix: /1 to 223/,
  },
  {
    input: 'uplinkTimeValidity in words',
    act: connection({ uplinkTimeValidity: '5 minutes' }),
    where: 'stack/Uplinks',
    field: 'uplinkTimeValidity',
    received: '"5 minutes"',
    fix: /s, m, h or d/,
  },
  {
    input: 'an unknown reconnectStrategy',
    act: connection({ reconnectStrategy: 'FAST' }),
    where: 'stack/Uplinks',
    field: 'reconnectStrategy',
    received: '"FAST"',
    fix: /CALM, NORMAL, AGGRESSIVE/,
  },
  {
    input: 'a description with a backslash',
    act: connection({ description: 'a\\b' }),
    where: 'stack/Uplinks',
    field: 'description',
    received: '"a\\\\b"',
    fix: /remove those characters/,
  },
  {
    input: 'an importFrom that is no id',
    act: connection({ importFrom: 'conn 7' }),
    where: 'stack/Uplinks',
    field: 'importFrom',
    received: '"conn 7"',
    fix: /GET \/connections/,
  },
  {
    input: 'a literal signing key',
    act: connection({ webhookSigningKey: SECRET }),
    where: 'stack/Uplinks',
    field: 'webhookSigningKey',
    received: '(redacted)',
    fix: /TF_VAR_qubitro_webhook_signing_key/,
    secret: SECRET,
  },
  {
    input: 'a signing key with a space',
    act: connection({ webhookSigningKey: unsafePlaintextSecret(`${SECRET} x`) }),
    where: 'stack/Uplinks',
    field: 'webhookSigningKey',
    received: '(redacted)',
    fix: /line breaks/,
    secret: SECRET,
  },
  {
    input: 'a literal downlinkAsKey',
    act: connection({ downlinkAsKey: SECRET }),
    where: 'stack/Uplinks',
    field: 'downlinkAsKey',
    received: '(redacted)',
    fix: /TF_VAR_downlink_as_key/,
    secret: SECRET,
  },
  {
    input: 'an http baseUrl on a public host',
    act: api({ baseUrl: 'http://thingpark.example.com/iot-flow/v1' }),
    where: 'stack/Api',
    field: 'baseUrl',
    received: '"http://thingpark.example.com/iot-flow/v1"',
    fix: /https:\/\/community/,
  },
  {
    input: 'a baseUrl on a host that only starts with 127.',
    act: api({ baseUrl: 'http://127.evil.example/x' }),
    where: 'stack/Api',
    field: 'baseUrl',
    received: '"http://127.evil.example/x"',
    fix: /https:\/\/community/,
  },
  {
    input: 'maxRetries 11',
    act: api({ maxRetries: 11 }),
    where: 'stack/Api',
    field: 'maxRetries',
    received: '11',
    fix: /at most 10/,
  },
  {
    input: 'a literal client secret',
    act: api({ clientSecret: SECRET }),
    where: 'stack/Api',
    field: 'clientSecret',
    received: '(redacted)',
    fix: /TF_VAR_thingpark_client_secret/,
    secret: SECRET,
  },
  {
    input: 'client credentials and a bearer token',
    act: () => {
      const stack = newStack();
      new IotFlowApi(stack, 'Api', {
        baseUrl: BASE_URL,
        clientId: 'a',
        clientSecret: secretVar(stack, 's'),
        bearerToken: secretVar(stack, 't'),
      });
    },
    where: 'stack/Api',
    field: 'clientId/clientSecret/bearerToken',
    received: '"clientId + clientSecret + bearerToken"',
    fix: /or only bearerToken/,
  },
  {
    input: 'the same name twice on one endpoint',
    act: () => {
      const stack = newStack();
      const a = oauthApi(stack);
      qubitro(stack, a, 'First', { name: 'Same' });
      qubitro(stack, a, 'Second', { name: 'Same' });
    },
    where: 'stack/Second',
    field: 'name',
    received: '"Same"',
    fix: /its own name/,
  },
  {
    input: 'a generic connection with a literal secret field',
    act: () => {
      const stack = newStack();
      new IotFlowConnection(stack, 'Datacake', {
        api: oauthApi(stack),
        name: 'Datacake',
        connectorId: 'actility-http-iot',
        brand: 'DATACAKE',
        configuration: { headers: { Authorization: `Token ${SECRET}` } },
        secretFields: ['headers.Authorization'],
      });
    },
    where: 'stack/Datacake',
    field: 'configuration.headers.Authorization',
    received: '(redacted)',
    fix: /sensitive: true/,
    secret: SECRET,
  },
  {
    input: 'a stack connection with a bad id-less projectId override',
    act: () =>
      new QubitroProjectStack(new App(), 'farm', {
        baseUrl: BASE_URL,
        clientId: 'c',
        projectId: PROJECT_ID,
        connections: [{ id: 'Uplinks', name: 'Uplinks', projectId: 'nope' }],
      }),
    where: 'farm/Uplinks',
    field: 'projectId',
    received: '"nope"',
    fix: /Qubitro portal/,
  },
  {
    input: 'config: an unknown environment in promoteTo',
    act: config((c) => c.projects[0].connections[1].promoteTo.push('prd')),
    where: FILE,
    field: 'projects[0].connections[1].promoteTo[1]',
    received: '"prd"',
    fix: /declare prd under environments/,
  },
  {
    input: 'config: duplicate project keys',
    act: config((c) => (c.projects[1].key = 'farm')),
    where: FILE,
    field: 'projects[1].key',
    received: '"farm"',
    fix: /./,
  },
  {
    input: 'config: a projectId that is not a UUID',
    act: config((c) => (c.projects[0].projectId = 'farm-1')),
    where: FILE,
    field: 'projects[0].projectId',
    received: '"farm-1"',
    fix: /Qubitro portal/,
  },
  {
    input: 'config: an http baseUrl',
    act: config((c) => (c.environments.prod.baseUrl = 'http://tp.example.com/iot-flow/v1')),
    where: FILE,
    field: 'environments.prod.baseUrl',
    received: '"http://tp.example.com/iot-flow/v1"',
    fix: /https:/,
  },
  {
    input: 'config: a missing client secret variable name',
    act: config((c) => delete c.environments.prod.clientSecretVariable),
    where: FILE,
    field: 'environments.prod',
    received: '',
    fix: /clientSecretVariable/,
  },
  {
    input: 'config: an inline secret',
    act: config((c) => (c.environments.dev.clientSecret = SECRET)),
    where: FILE,
    field: 'environments.dev.clientSecret',
    received: '(redacted)',
    fix: /TF_VAR|variable/,
    secret: SECRET,
  },
  {
    input: 'config: an unknown key',
    act: config((c) => (c.projects[0].connections[0].uplinkTimeValidty = '5m')),
    where: FILE,
    field: 'projects[0].connections[0]',
    received: '',
    fix: /uplinkTimeValidity/,
  },
  {
    input: 'config: a bad downlinkPort in an override',
    act: config((c) => (c.projects[0].connections[0].overrides.prod.downlinkPort = 300)),
    where: FILE,
    field: 'projects[0].connections[0].overrides.prod.downlinkPort',
    received: '300',
    fix: /223/,
  },
];

function messageOf(act: () => void): string {
  try {
    act();
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    expect(['ValidationError', 'ConfigError']).toContain((err as Error).name);
    return (err as Error).message;
  }
  throw new Error('expected the input to be rejected');
}

test('the table holds at least 30 bad inputs, constructs and config both', () => {
  expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
  expect(BAD_INPUTS.filter((b) => b.where === FILE).length).toBeGreaterThanOrEqual(8);
});

test.each(BAD_INPUTS)('rejects $input, naming where, the field, the value and the fix', (bad) => {
  const message = messageOf(bad.act);
  expect(message).toContain(bad.where);
  expect(message).toContain(bad.field);
  if (bad.received) expect(message).toContain(`received ${bad.received}`);
  expect(message).toMatch(/allowed: /);
  expect(message).toMatch(/Fix: /);
  expect(message).toMatch(bad.fix);
  if (bad.secret) expect(message).not.toContain(bad.secret);
});

test('construct errors are ValidationErrors that callers can catch by class', () => {
  expect(() => connection({ name: '' })()).toThrow(ValidationError);
});
