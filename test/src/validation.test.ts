import { TerraformVariable, Testing } from 'cdktf';
import {
  IotFlowApi,
  IotFlowApiProps,
  QubitroConnectionProps,
  unsafePlaintextSecret,
  ValidationError,
} from '../../src';
import {
  BASE_URL,
  bodyOf,
  configurationOf,
  connections,
  iotflowProviders,
  newStack,
  oauthApi,
  onlyConnection,
  qubitro,
  secretVar,
  synth,
  validationError,
} from '../support/synth';

Testing.setupJest();

/** Every library error names the construct path, the field, the value received, what is allowed and a fix. */
function expectDiagnostic(err: ValidationError, path: string, field: string, received: string): void {
  expect(err.message).toContain(`${path}: `);
  expect(err.message).toContain(`${field}: received ${received}`);
  expect(err.message).toMatch(/; allowed: \S/);
  expect(err.message).toMatch(/\. Fix: \S/);
}

function connectionError(props: Partial<QubitroConnectionProps>): ValidationError {
  const stack = newStack();
  const api = oauthApi(stack);
  return validationError(() => qubitro(stack, api, 'Uplinks', props));
}

function apiError(props: Partial<IotFlowApiProps>): ValidationError {
  const stack = newStack();
  return validationError(() => oauthApi(stack, 'Api', props));
}

describe('QubitroConnection validation', () => {
  it('rejects an empty name', () => {
    expectDiagnostic(connectionError({ name: '' }), 'stack/Uplinks', 'name', '""');
  });

  it('rejects a name longer than 128 characters', () => {
    const err = connectionError({ name: 'n'.repeat(129) });
    expectDiagnostic(err, 'stack/Uplinks', 'name', `"${'n'.repeat(100)}`);
    expect(err.message).toContain('128');
  });

  it('accepts a name of exactly 128 characters', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { name: 'n'.repeat(128) });
    expect(onlyConnection(synth(stack).tf).name).toHaveLength(128);
  });

  it('rejects a name with a control character', () => {
    expectDiagnostic(connectionError({ name: 'Farm\nsensors' }), 'stack/Uplinks', 'name', '"Farm\\nsensors"');
  });

  it('rejects a name with a double quote', () => {
    expectDiagnostic(connectionError({ name: 'Farm "A"' }), 'stack/Uplinks', 'name', '"Farm \\"A\\""');
  });

  it('rejects a projectId that is not a UUID', () => {
    expectDiagnostic(
      connectionError({ projectId: 'my-project' }),
      'stack/Uplinks',
      'projectId',
      '"my-project"',
    );
  });

  it('rejects a webhookSigningKey with whitespace, showing it redacted', () => {
    const err = connectionError({ webhookSigningKey: unsafePlaintextSecret('a b') });
    expectDiagnostic(err, 'stack/Uplinks', 'webhookSigningKey', '(redacted)');
  });

  it('never shows the value of a rejected webhookSigningKey', () => {
    const err = connectionError({ webhookSigningKey: unsafePlaintextSecret('probe-key with-space') });
    expect(err.message).not.toContain('probe-key');
    expect(err.message).not.toContain('with-space');
  });

  it('rejects a downlinkAsKey with whitespace, showing it redacted', () => {
    const err = connectionError({ downlinkAsKey: unsafePlaintextSecret('as key') });
    expectDiagnostic(err, 'stack/Uplinks', 'downlinkAsKey', '(redacted)');
    expect(err.message).not.toContain('as key');
  });

  it('rejects an http destinationUrl', () => {
    const destinationUrl = 'http://webhook.qubitro.com/integrations/actility';
    expectDiagnostic(
      connectionError({ destinationUrl }),
      'stack/Uplinks',
      'destinationUrl',
      `"${destinationUrl}"`,
    );
  });

  it('rejects a destinationUrl that is not a URL', () => {
    expectDiagnostic(
      connectionError({ destinationUrl: 'webhook.qubitro.com' }),
      'stack/Uplinks',
      'destinationUrl',
      '"webhook.qubitro.com"',
    );
  });

  it.each([0, 224, 1.5])('rejects downlinkPort %p', (downlinkPort) => {
    expectDiagnostic(
      connectionError({ downlinkPort }),
      'stack/Uplinks',
      'downlinkPort',
      String(downlinkPort),
    );
  });

  it.each([1, 223])('accepts downlinkPort %p', (downlinkPort) => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { downlinkPort });
    expect(configurationOf(onlyConnection(synth(stack).tf)).downlinkPort).toBe(downlinkPort);
  });

  it('rejects an uplinkTimeValidity that is not a short duration', () => {
    expectDiagnostic(
      connectionError({ uplinkTimeValidity: '5 minutes' }),
      'stack/Uplinks',
      'uplinkTimeValidity',
      '"5 minutes"',
    );
  });

  it('rejects an unknown reconnectStrategy', () => {
    const err = connectionError({ reconnectStrategy: 'FAST' as QubitroConnectionProps['reconnectStrategy'] });
    expectDiagnostic(err, 'stack/Uplinks', 'reconnectStrategy', '"FAST"');
    expect(err.message).toContain('CALM, NORMAL, AGGRESSIVE');
  });

  it('refuses the upper-case WEEKLY frequency with a fix that shows the documented form', () => {
    const alarms = [{ recurrence: [{ frequency: 'WEEKLY' }] }] as unknown as QubitroConnectionProps['alarms'];
    const err = connectionError({ alarms });
    expectDiagnostic(err, 'stack/Uplinks', 'alarms[0].recurrence[0].frequency', '"WEEKLY"');
    expect(err.message).toContain('frequency: "weekly", byDays: ["monday", "friday"]');
  });

  it('refuses two-letter day codes with a fix that writes days in full', () => {
    const alarms = [
      { recurrence: [{ frequency: 'weekly', byDays: ['MO'] }] },
    ] as unknown as QubitroConnectionProps['alarms'];
    const err = connectionError({ alarms });
    expectDiagnostic(err, 'stack/Uplinks', 'alarms[0].recurrence[0].byDays[0]', '"MO"');
    expect(err.message).toContain('monday, tuesday');
  });

  it('refuses an alarm field the docs do not define', () => {
    const alarms = [
      { uplinkRateMinPerHour: 2, severity: 'high' },
    ] as unknown as QubitroConnectionProps['alarms'];
    expect(connectionError({ alarms }).message).toContain('severity');
  });

  it('refuses a misspelt prop, naming it and the prop it most likely meant', () => {
    const err = connectionError({ uplinkTimeValidty: '5m' } as Partial<QubitroConnectionProps>);
    expectDiagnostic(err, 'stack/Uplinks', 'uplinkTimeValidty', '"5m"');
    expect(err.message).toContain('Fix: rename it to uplinkTimeValidity');
  });

  it('refuses an alarm field the docs do not define, naming its closest known field', () => {
    const alarms = [{ uplinkRateMinPerHr: 2 }] as unknown as QubitroConnectionProps['alarms'];
    const err = connectionError({ alarms });
    expect(err.message).toContain('alarms[0].uplinkRateMinPerHr: received 2');
    expect(err.message).toContain('Fix: rename it to uplinkRateMinPerHour');
  });

  it('never shows the value of a misspelt secret prop', () => {
    const err = connectionError({ webhookSigningKy: 'pasted-key-3e4f5a' } as Partial<QubitroConnectionProps>);
    expect(err.message).toContain('webhookSigningKy: received (redacted)');
    expect(err.message).not.toContain('pasted-key-3e4f5a');
  });

  it('names a construct passed under a misspelt prop without printing it', () => {
    const stack = newStack();
    const err = validationError(() =>
      qubitro(stack, oauthApi(stack), 'Uplinks', {
        apii: oauthApi(stack, 'Other'),
      } as Partial<QubitroConnectionProps>),
    );
    expect(err.message).toContain('apii: received a IotFlowApi');
    expect(err.message).toContain('Fix: rename it to api');
  });

  it('reports a misspelt prop together with the other problems of the construct', () => {
    const err = connectionError({ projectId: 'nope', descripton: 'x' } as Partial<QubitroConnectionProps>);
    expect(err.message).toContain('projectId: received "nope"');
    expect(err.message).toContain('descripton: received "x"');
  });

  it('reports every invalid field of one connection in one error', () => {
    const err = connectionError({ projectId: 'nope', downlinkPort: 0 });
    expect(err.message).toContain('projectId: received "nope"');
    expect(err.message).toContain('downlinkPort: received 0');
  });
});

describe('IotFlowApi validation', () => {
  it('rejects an http baseUrl on a non-loopback host', () => {
    const baseUrl = 'http://community.thingpark.io/iot-flow/v1';
    expectDiagnostic(apiError({ baseUrl }), 'stack/Api', 'baseUrl', `"${baseUrl}"`);
  });

  it('rejects an http baseUrl on a host name that merely starts with 127.', () => {
    const baseUrl = 'http://127.example.com/iot-flow/v1';
    expectDiagnostic(apiError({ baseUrl }), 'stack/Api', 'baseUrl', `"${baseUrl}"`);
  });

  it('accepts an http baseUrl on localhost', () => {
    const stack = newStack();
    oauthApi(stack, 'Api', { baseUrl: 'http://localhost:8787' });
    expect(iotflowProviders(synth(stack).tf)[0].base_url).toBe('http://localhost:8787');
  });

  it('accepts an http baseUrl on 127.0.0.1', () => {
    const stack = newStack();
    oauthApi(stack, 'Api', { baseUrl: 'http://127.0.0.1' });
    expect(iotflowProviders(synth(stack).tf)[0].base_url).toBe('http://127.0.0.1');
  });

  it('rejects a baseUrl that is not a URL', () => {
    expectDiagnostic(
      apiError({ baseUrl: 'community.thingpark.io' }),
      'stack/Api',
      'baseUrl',
      '"community.thingpark.io"',
    );
  });

  it('rejects an http tokenUrl on a non-loopback host', () => {
    const tokenUrl = 'http://community.thingpark.io/users-auth/protocol/openid-connect/token';
    expectDiagnostic(apiError({ tokenUrl }), 'stack/Api', 'tokenUrl', `"${tokenUrl}"`);
  });

  it('rejects client credentials and a bearer token together', () => {
    const stack = newStack();
    const err = validationError(() => oauthApi(stack, 'Api', { bearerToken: secretVar(stack, 'tp_token') }));
    expectDiagnostic(
      err,
      'stack/Api',
      'clientId/clientSecret/bearerToken',
      '"clientId + clientSecret + bearerToken"',
    );
  });

  it('rejects a clientId without a clientSecret', () => {
    const stack = newStack();
    const err = validationError(
      () => new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, clientId: 'service-account' }),
    );
    expectDiagnostic(err, 'stack/Api', 'clientId/clientSecret/bearerToken', '"clientId"');
  });

  it('rejects a clientSecret without a clientId', () => {
    const stack = newStack();
    const err = validationError(
      () => new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, clientSecret: secretVar(stack, 'cs') }),
    );
    expectDiagnostic(err, 'stack/Api', 'clientId/clientSecret/bearerToken', '"clientSecret"');
  });

  it('rejects an endpoint without any credentials', () => {
    const stack = newStack();
    const err = validationError(() => new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL }));
    expectDiagnostic(err, 'stack/Api', 'clientId/clientSecret/bearerToken', 'nothing');
  });

  it('refuses a misspelt endpoint prop, naming the prop it most likely meant', () => {
    const err = apiError({ maxRetry: 2 } as Partial<IotFlowApiProps>);
    expectDiagnostic(err, 'stack/Api', 'maxRetry', '2');
    expect(err.message).toContain('Fix: rename it to maxRetries');
  });

  it('rejects maxRetries above 10', () => {
    expectDiagnostic(apiError({ maxRetries: 11 }), 'stack/Api', 'maxRetries', '11');
  });

  it('rejects a negative maxRetries', () => {
    expectDiagnostic(apiError({ maxRetries: -1 }), 'stack/Api', 'maxRetries', '-1');
  });

  it('rejects a timeoutSeconds of 0', () => {
    expectDiagnostic(apiError({ timeoutSeconds: 0 }), 'stack/Api', 'timeoutSeconds', '0');
  });

  it('rejects a timeoutSeconds above 600', () => {
    expectDiagnostic(apiError({ timeoutSeconds: 601 }), 'stack/Api', 'timeoutSeconds', '601');
  });

  it('rejects a fractional timeoutSeconds', () => {
    expectDiagnostic(apiError({ timeoutSeconds: 1.5 }), 'stack/Api', 'timeoutSeconds', '1.5');
  });

  it('rejects a negative settleTimeoutSeconds', () => {
    expectDiagnostic(apiError({ settleTimeoutSeconds: -1 }), 'stack/Api', 'settleTimeoutSeconds', '-1');
  });

  it('rejects a settleTimeoutSeconds above 3600', () => {
    expectDiagnostic(apiError({ settleTimeoutSeconds: 3601 }), 'stack/Api', 'settleTimeoutSeconds', '3601');
  });

  it('rejects client credentials with a deploy-time baseUrl and no tokenUrl', () => {
    const stack = newStack();
    const baseUrl = new TerraformVariable(stack, 'base_url', { type: 'string' }).stringValue;
    expectDiagnostic(
      validationError(() => oauthApi(stack, 'Api', { baseUrl })),
      'stack/Api',
      'tokenUrl',
      'nothing',
    );
  });

  it('rejects a clientSecret with whitespace, showing it redacted', () => {
    const err = apiError({ clientSecret: unsafePlaintextSecret('cs probe') });
    expectDiagnostic(err, 'stack/Api', 'clientSecret', '(redacted)');
    expect(err.message).not.toContain('cs probe');
  });
});

describe('connection names', () => {
  it('rejects two connections with the same name on one IotFlowApi, naming both paths', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First', { name: 'Farm sensors' });
    const err = validationError(() => qubitro(stack, api, 'Second', { name: 'Farm sensors' }));

    expectDiagnostic(err, 'stack/Second', 'name', '"Farm sensors"');
    expect(err.message).toContain('stack/First');
  });

  it('accepts the same name on two different IotFlowApi', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack, 'Eu'), 'First', { name: 'Farm sensors' });
    qubitro(stack, oauthApi(stack, 'Us'), 'Second', { name: 'Farm sensors' });
    const names = Object.values(connections(synth(stack).tf)).map((r) => bodyOf(r).name);
    expect(names).toEqual(['Farm sensors', 'Farm sensors']);
  });
});

describe('values known only at deploy time', () => {
  it('skips validation of a projectId given as a variable', () => {
    const stack = newStack();
    const projectId = new TerraformVariable(stack, 'project_id', { type: 'string' }).stringValue;
    qubitro(stack, oauthApi(stack), 'Uplinks', { projectId });
    expect(onlyConnection(synth(stack).tf).configuration).toContain('"projectId" = var.project_id');
  });

  it('skips validation of a downlinkPort given as a variable', () => {
    const stack = newStack();
    const downlinkPort = new TerraformVariable(stack, 'port', { type: 'number' }).numberValue;
    qubitro(stack, oauthApi(stack), 'Uplinks', { downlinkPort });
    expect(onlyConnection(synth(stack).tf).configuration).toContain('"downlinkPort" = var.port');
  });

  it('skips validation of a name given as a variable', () => {
    const stack = newStack();
    const name = new TerraformVariable(stack, 'connection_name', { type: 'string' }).stringValue;
    qubitro(stack, oauthApi(stack), 'Uplinks', { name });
    expect(onlyConnection(synth(stack).tf).name).toBe('${var.connection_name}');
  });

  it('still validates the other fields when one is a variable', () => {
    const stack = newStack();
    const projectId = new TerraformVariable(stack, 'project_id', { type: 'string' }).stringValue;
    const api = oauthApi(stack);
    const err = validationError(() => qubitro(stack, api, 'Uplinks', { projectId, downlinkPort: 0 }));
    expect(err.message).toContain('downlinkPort: received 0');
    expect(err.message).not.toContain('projectId');
  });
});
