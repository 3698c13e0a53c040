import { TerraformOutput, TerraformVariable, Testing } from 'cdktf';
import { HEALTHY_STATE, INACTIVE_STATE, IotFlowConnection, IotFlowConnectionProps } from '../../src';
import {
  bodyOf,
  configurationOf,
  connections,
  localNamed,
  newStack,
  oauthApi,
  onlyConnection,
  qubitro,
  readBacks,
  secretVar,
  synth,
  TfJson,
  validationError,
} from '../support/synth';

Testing.setupJest();

/** One QubitroConnection `Uplinks`; returns the synthesized stack. */
function uplinks(props: Parameters<typeof qubitro>[3] = {}): TfJson {
  const stack = newStack();
  qubitro(stack, oauthApi(stack), 'Uplinks', props);
  return synth(stack).tf;
}

function resourceId(tf: TfJson): string {
  const ids = Object.keys(connections(tf));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The state expression of the one connection in `tf`: its id looked up in the endpoint's read-back. */
function stateOf(tf: TfJson): string {
  const [local] = localNamed(tf, 'StateById');
  return `lookup(local.${local}, iotflow_connection.${resourceId(tf)}.id, "MISSING")`;
}

describe('IotFlowConnection read-back', () => {
  it('reads all connections of an endpoint back with one data source, after they are applied', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First');
    qubitro(stack, api, 'Second');
    const tf = synth(stack).tf;
    const backs = Object.values(readBacks(tf));
    expect(backs).toHaveLength(1);
    expect([...backs[0].depends_on].sort()).toEqual(
      Object.keys(connections(tf))
        .map((id) => `iotflow_connection.${id}`)
        .sort(),
    );
  });

  it('reads back exactly the ids of the connections of its endpoint', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First');
    qubitro(stack, api, 'Second');
    qubitro(stack, oauthApi(stack, 'Other'), 'Elsewhere');
    const tf = synth(stack).tf;
    const idOf = (name: string) => Object.keys(connections(tf)).find((k) => k.startsWith(`${name}_`))!;
    const providerOf = (name: string) => connections(tf)[idOf(name)].provider;
    const idsByProvider = Object.fromEntries(Object.values(readBacks(tf)).map((r) => [r.provider, r.ids]));
    expect(idsByProvider[providerOf('First')]).toEqual([
      `\${iotflow_connection.${idOf('First')}.id}`,
      `\${iotflow_connection.${idOf('Second')}.id}`,
    ]);
    expect(idsByProvider[providerOf('Elsewhere')]).toEqual([
      `\${iotflow_connection.${idOf('Elsewhere')}.id}`,
    ]);
  });

  it('maps each read-back connection id to its state once per endpoint, when a state is asked for', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    for (const id of ['Uplinks', 'Backup'])
      new TerraformOutput(stack, `${id}State`, { value: qubitro(stack, api, id).state });
    const tf = synth(stack).tf;
    const [readBackId] = Object.keys(readBacks(tf));
    expect(localNamed(tf, 'StateById')).toHaveLength(2);
    const [, local] = localNamed(tf, 'StateById');
    expect(local).toBe(
      `\${{ for c in data.iotflow_connections.${readBackId}.connections : c.id => c.state }}`,
    );
  });

  it('makes no state lookup when no state is asked for', () => {
    expect(uplinks().locals ?? {}).toEqual({});
  });

  it('reads the state through the provider of the connection', () => {
    const tf = uplinks();
    expect(Object.values(readBacks(tf))[0]).toMatchObject({
      provider: expect.stringMatching(/^iotflow\.stack_api_[0-9a-f]{8}$/),
    });
  });

  it('exposes the read-back state, MISSING when the connection is gone', () => {
    const stack = newStack();
    const c = qubitro(stack, oauthApi(stack));
    new TerraformOutput(stack, 'State', { value: c.state });
    const tf = synth(stack).tf;
    expect(tf.output.State.value).toBe(`\${${stateOf(tf)}}`);
  });

  it('exposes connectionId as the id of the resource', () => {
    const stack = newStack();
    const c = qubitro(stack, oauthApi(stack));
    new TerraformOutput(stack, 'ConnectionId', { value: c.connectionId });
    const tf = synth(stack).tf;
    expect(tf.output.ConnectionId.value).toBe(`\${iotflow_connection.${resourceId(tf)}.id}`);
  });
});

describe('IotFlowConnection health', () => {
  it('writes no check block: the read-back data source warns about unhealthy connections by name', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First');
    qubitro(stack, api, 'Second');
    expect(synth(stack).tf).not.toHaveProperty('check');
  });

  it('leaves active out when it is not set, so the read-back expects OPENED', () => {
    expect(onlyConnection(uplinks())).not.toHaveProperty('active');
  });

  it('sends active: true, so the read-back expects OPENED', () => {
    expect(onlyConnection(uplinks({ active: true })).active).toBe(true);
  });

  it('sends active: false, so the read-back expects DEACTIVATED', () => {
    expect(onlyConnection(uplinks({ active: false })).active).toBe(false);
  });

  it('sends a deploy-time active flag as its reference', () => {
    const stack = newStack();
    const active = new TerraformVariable(stack, 'active', { type: 'bool' }).booleanValue;
    qubitro(stack, oauthApi(stack), 'Uplinks', { active });
    expect(onlyConnection(synth(stack).tf).active).toBe('${var.active}');
  });

  it('exports the two expected states', () => {
    expect([HEALTHY_STATE, INACTIVE_STATE]).toEqual(['OPENED', 'DEACTIVATED']);
  });

  it('gives distinct resources to connections whose ids differ only in punctuation, both read back', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'Farm-A');
    qubitro(stack, api, 'Farm_A');
    const tf = synth(stack).tf;
    expect(Object.keys(connections(tf))).toHaveLength(2);
    expect(new Set(Object.values(readBacks(tf))[0].ids).size).toBe(2);
  });
});

describe('IotFlowConnection for any connector', () => {
  function generic(stack: ReturnType<typeof newStack>, props: Partial<IotFlowConnectionProps> = {}) {
    return new IotFlowConnection(stack, 'Http', {
      api: oauthApi(stack),
      name: 'Plain HTTP',
      connectorId: 'actility-http-iot',
      configuration: {
        destinationURL: 'https://example.com/uplinks',
        headers: { token: secretVar(stack, 'token') },
      },
      secretFields: ['headers.token'],
      ...props,
    });
  }

  it('sends no brand when none is given', () => {
    const stack = newStack();
    generic(stack);
    expect(onlyConnection(synth(stack).tf)).not.toHaveProperty('brand');
  });

  it('sends the name and connector id as attributes of their own', () => {
    const stack = newStack();
    generic(stack);
    expect(onlyConnection(synth(stack).tf)).toMatchObject({
      name: 'Plain HTTP',
      connector_id: 'actility-http-iot',
    });
  });

  it('leaves undefined configuration keys out of the body', () => {
    const stack = newStack();
    generic(stack, {
      configuration: { destinationURL: 'https://example.com/uplinks', description: undefined },
      secretFields: [],
    });
    expect(onlyConnection(synth(stack).tf).configuration).toBe(
      '{"destinationURL":"https://example.com/uplinks"}',
    );
  });

  it('refuses a secret field given as a plain string, without repeating it', () => {
    const stack = newStack();
    const err = validationError(() =>
      generic(stack, { configuration: { headers: { token: 'plain-token-value' } } }),
    );
    expect(err.message).toContain('stack/Http');
    expect(err.message).toContain('configuration.headers.token');
    expect(err.message).toContain('TF_VAR_');
    expect(err.message).not.toContain('plain-token-value');
  });

  it('sends each secret field write-only, by its dotted path, as the reference to its variable', () => {
    const stack = newStack();
    generic(stack);
    expect(onlyConnection(synth(stack).tf).secrets_wo).toEqual({ 'headers.token': '${var.token}' });
  });

  it('leaves the secret fields out of the configuration JSON, and the rest in', () => {
    const stack = newStack();
    generic(stack);
    expect(configurationOf(onlyConnection(synth(stack).tf))).toEqual({
      destinationURL: 'https://example.com/uplinks',
      headers: {},
    });
  });

  it('puts each secret back at its path in the request body the review rebuilds', () => {
    const stack = newStack();
    generic(stack);
    expect(bodyOf(onlyConnection(synth(stack).tf)).configuration).toEqual({
      destinationURL: 'https://example.com/uplinks',
      headers: { token: '${var.token}' },
    });
  });

  it('leaves a secret field that is not set out of secrets_wo', () => {
    const stack = newStack();
    generic(stack, { secretFields: ['headers.token', 'password'] });
    expect(Object.keys(onlyConnection(synth(stack).tf).secrets_wo)).toEqual(['headers.token']);
  });

  it('omits secrets_wo when the configuration holds no secret', () => {
    const stack = newStack();
    generic(stack, { configuration: { destinationURL: 'https://example.com/uplinks' }, secretFields: [] });
    expect(onlyConnection(synth(stack).tf)).not.toHaveProperty('secrets_wo');
  });

  it('writes a configuration value with a quote as valid JSON that reads back the same', () => {
    const stack = newStack();
    generic(stack, {
      configuration: {
        destinationURL: 'https://example.com/a"b',
        headers: { token: secretVar(stack, 'token') },
      },
    });
    expect(configurationOf(onlyConnection(synth(stack).tf)).destinationURL).toBe('https://example.com/a"b');
  });

  it("writes a literal ${ or %{ in a configuration value as Terraform's escape, never as an expression", () => {
    const stack = newStack();
    generic(stack, {
      configuration: { destinationURL: 'https://example.com/${path.root}/%{x}' },
      secretFields: [],
    });
    expect(onlyConnection(synth(stack).tf).configuration).toBe(
      '{"destinationURL":"https://example.com/$${path.root}/%%{x}"}',
    );
  });

  it('encodes a configuration that holds a deploy-time value with jsonencode', () => {
    const stack = newStack();
    const url = new TerraformVariable(stack, 'url', { type: 'string' }).stringValue;
    generic(stack, { configuration: { destinationURL: url }, secretFields: [] });
    expect(onlyConnection(synth(stack).tf).configuration).toBe('${jsonencode({"destinationURL" = var.url})}');
  });

  it('sends the alarms as a JSON array string', () => {
    const stack = newStack();
    const alarms = [
      {
        uplinkRateMinPerHour: 2,
        recurrence: [{ frequency: 'weekly' as const, byDays: ['monday' as const] }],
      },
    ];
    generic(stack, { alarms });
    expect(JSON.parse(onlyConnection(synth(stack).tf).alarms)).toEqual(alarms);
  });

  it('leaves alarms out when none are given', () => {
    const stack = newStack();
    generic(stack);
    expect(onlyConnection(synth(stack).tf)).not.toHaveProperty('alarms');
  });

  it('rejects a connectorId that is not a connector id', () => {
    const stack = newStack();
    const err = validationError(() => generic(stack, { connectorId: 'Actility HTTP' }));
    expect(err.message).toContain('connectorId: received "Actility HTTP"');
  });

  it('rejects an importFrom that is not a connection id', () => {
    const stack = newStack();
    const err = validationError(() => generic(stack, { importFrom: '/connections/1114' }));
    expect(err.message).toContain('importFrom: received "/connections/1114"');
  });
});
