/**
 * Every string a user gives is data: `${…}` and `%{…}` in any string prop of any construct, and in any string
 * field of the environments YAML, are refused at synth or written escaped — never evaluated by the engine.
 */
import { App, Testing } from 'cdktf';
import {
  IotFlowConnection,
  QubitroConnectionProps,
  QubitroProjectStack,
  ValidationError,
  ConfigError,
} from '../../src';
import { baseConfig, configError, synthesize } from './environments/fixture';
import { BASE_URL, newStack, oauthApi, PROJECT_ID, qubitro, synth } from '../support/synth';

Testing.setupJest();

const PROBES = ['${var.client_secret}', '%{if true}x%{endif}'];

/** An unescaped template sequence anywhere in the synthesized JSON's strings (`$${` and `%%{` are escapes). */
function evaluatedTemplates(json: string, probe: string): boolean {
  const marker = probe.startsWith('$') ? /(^|[^$])\$\{var\.client_secret\}/ : /(^|[^%])%\{if true\}/;
  return marker.test(json);
}

/** Either synth refuses the value, or the template reaches cdk.tf.json escaped. */
function expectDataOnly(build: () => string, probe: string): void {
  let text: string;
  try {
    text = build();
  } catch (err) {
    if (err instanceof ValidationError || err instanceof ConfigError) return;
    throw err;
  }
  expect(evaluatedTemplates(text, probe)).toBe(false);
}

const QUBITRO_STRING_PROPS: (keyof QubitroConnectionProps)[] = [
  'name',
  'description',
  'destinationUrl',
  'uplinkTimeValidity',
  'downlinkAsId',
  'reconnectStrategy',
  'importFrom',
  'projectId',
];
const ALARM_STRING_FIELDS = ['startTime', 'endTime', 'timezone', 'message'];
const API_STRING_PROPS = ['baseUrl', 'clientId', 'tokenUrl'];

describe.each(PROBES)('with %s', (probe) => {
  test.each(QUBITRO_STRING_PROPS)('QubitroConnection %s', (prop) => {
    expectDataOnly(() => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', { [prop]: `https://x.example/${probe}` });
      return synth(stack).text;
    }, probe);
  });

  test.each(ALARM_STRING_FIELDS)('alarm %s', (field) => {
    expectDataOnly(() => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', { alarms: [{ [field]: probe }] });
      return synth(stack).text;
    }, probe);
  });

  test.each(API_STRING_PROPS)('IotFlowApi %s', (prop) => {
    expectDataOnly(() => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack, 'Api', { [prop]: `https://x.example/${probe}` }), 'Uplinks');
      return synth(stack).text;
    }, probe);
  });

  test('IotFlowConnection configuration values, at any depth', () => {
    expectDataOnly(() => {
      const stack = newStack();
      new IotFlowConnection(stack, 'Http', {
        api: oauthApi(stack),
        name: 'Plain HTTP',
        connectorId: 'actility-http-iot',
        configuration: { destinationURL: probe, headers: { note: probe }, list: [probe] },
      });
      return synth(stack).text;
    }, probe);
  });

  test('QubitroProjectStack string props', () => {
    for (const prop of ['clientSecretVariable', 'signingKeyVariable', 'projectId']) {
      expectDataOnly(() => {
        const stack = new QubitroProjectStack(new App(), 'farm', {
          baseUrl: BASE_URL,
          clientId: 'service-account',
          projectId: PROJECT_ID,
          connections: [{ id: 'Uplinks', name: 'Uplinks' }],
          [prop]: probe,
        });
        return Testing.synth(stack);
      }, probe);
    }
  });

  test('every string field of the environments YAML', () => {
    const paths: ((c: any) => void)[] = [
      (c) => (c.environments.dev.clientId = probe),
      (c) => (c.environments.dev.baseUrl = `http://127.0.0.1:8787/${probe}`),
      (c) => (c.environments.dev.tokenUrl = `http://127.0.0.1:8787/${probe}`),
      (c) => (c.environments.dev.clientSecretVariable = probe),
      (c) => (c.projects[0].connections[0].name = probe),
      (c) => (c.projects[0].connections[0].description = probe),
      (c) => (c.projects[0].connections[0].destinationUrl = `https://x.example/${probe}`),
      (c) => (c.projects[0].connections[0].alarms = [{ message: probe }]),
      (c) => (c.projects[0].signingKeyVariable = probe),
    ];
    for (const edit of paths) {
      const config = baseConfig();
      edit(config);
      expectDataOnly(() => {
        try {
          return JSON.stringify(synthesize(config).stacks);
        } catch (err) {
          if (err instanceof ConfigError) throw err;
          throw configError(config);
        }
      }, probe);
    }
  });
});
