import { TerraformOutput, TerraformVariable, Testing } from 'cdktf';
import { HEALTHY_STATE, INACTIVE_STATE, IotFlowConnection, IotFlowConnectionProps } from '../../src';
import { readTemplate } from '../../src/iot-flow-connection';
import {
  all,
  expandTemplate,
  newStack,
  oauthApi,
  only,
  qubitro,
  secretVar,
  synth,
  TfJson,
  validationError,
  unhashed,
  checkBlock,
  readBacks,
} from '../support/synth';

Testing.setupJest();

/** One QubitroConnection `Uplinks`; returns the synthesized stack. */
function uplinks(props: Parameters<typeof qubitro>[3] = {}): TfJson {
  const stack = newStack();
  qubitro(stack, oauthApi(stack), 'Uplinks', props);
  return synth(stack).tf;
}

function resourceId(tf: TfJson): string {
  const ids = Object.keys(all(tf, 'resource', 'restful_resource'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The state expression of the one connection in `tf`: its id looked up in the endpoint's read-back. */
function stateOf(tf: TfJson): string {
  const [local] = Object.keys(tf.locals).filter((k) => k.includes('StateById'));
  return `lookup(local.${local}, restful_resource.${resourceId(tf)}.output.id, "MISSING")`;
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
    expect(backs[0].id).toBe('/connections');
    expect([...backs[0].depends_on].sort()).toEqual(
      Object.keys(all(tf, 'resource', 'restful_resource'))
        .map((id) => `restful_resource.${id}`)
        .sort(),
    );
  });

  it('maps each read-back connection id to its state once per endpoint', () => {
    const tf = uplinks();
    const [readBackId] = Object.keys(readBacks(tf));
    const [local] = Object.entries(tf.locals).filter(([k]) => k.includes('StateById'));
    expect(local[1]).toBe(
      `\${{ for c in data.restful_resource.${readBackId}.output : c.id => try(c.state, "UNKNOWN") }}`,
    );
  });

  it('reads the state through the provider of the connection', () => {
    const tf = uplinks();
    expect(Object.values(readBacks(tf))[0]).toMatchObject({
      provider: expect.stringMatching(/^restful\.stack_api_[0-9a-f]{8}$/),
    });
  });

  it('exposes the read-back state, MISSING when the connection is gone', () => {
    const stack = newStack();
    const c = qubitro(stack, oauthApi(stack));
    new TerraformOutput(stack, 'State', { value: c.state });
    const tf = synth(stack).tf;
    expect(tf.output.State.value).toBe(`\${${stateOf(tf)}}`);
  });
});

describe('IotFlowConnection check', () => {
  it('adds one check block per connection', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First');
    qubitro(stack, api, 'Second');
    expect(Object.keys(synth(stack).tf.check).map(unhashed).sort()).toEqual(['stack_First', 'stack_Second']);
  });

  it('compares the read-back state with OPENED by default', () => {
    const tf = uplinks();
    expect(checkBlock(tf, 'stack_Uplinks').assert).toEqual([
      expect.objectContaining({ condition: `\${${stateOf(tf)} == "OPENED"}` }),
    ]);
  });

  it('compares the read-back state with OPENED when active is true', () => {
    const tf = uplinks({ active: true });
    expect(checkBlock(tf, 'stack_Uplinks').assert[0].condition).toMatch(/ == "OPENED"\}$/);
  });

  it('compares the read-back state with DEACTIVATED when active is false', () => {
    const tf = uplinks({ active: false });
    expect(checkBlock(tf, 'stack_Uplinks').assert[0].condition).toBe(`\${${stateOf(tf)} == "DEACTIVATED"}`);
  });

  it('compares the read-back state with the state a deploy-time active flag selects', () => {
    const stack = newStack();
    const active = new TerraformVariable(stack, 'active', { type: 'bool' }).booleanValue;
    qubitro(stack, oauthApi(stack), 'Uplinks', { active });
    const condition: string = checkBlock(synth(stack).tf, 'stack_Uplinks').assert[0].condition;

    // Parenthesised: HCL's `?:` binds looser than `==`, and would swallow the comparison.
    expect(condition).toMatch(/ == \(var\.active \? "OPENED" : "DEACTIVATED"\)\}$/);
  });

  it('names the connection, its state and the expected state in the check message', () => {
    const tf = uplinks({ name: 'Farm sensors' });
    const message: string = checkBlock(tf, 'stack_Uplinks').assert[0].error_message;
    expect(message).toContain('stack/Uplinks (Farm sensors)');
    expect(message).toContain(`\${${stateOf(tf)}}`);
    expect(message).toContain('not OPENED');
  });

  it('exports the two expected states', () => {
    expect([HEALTHY_STATE, INACTIVE_STATE]).toEqual(['OPENED', 'DEACTIVATED']);
  });

  it('gives distinct check blocks to connections whose ids differ only in punctuation', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'Farm-A');
    qubitro(stack, api, 'Farm_A');
    expect(Object.keys(synth(stack).tf.check)).toHaveLength(2);
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
    expect(only(synth(stack).tf, 'resource', 'restful_resource').body).not.toHaveProperty('brand');
  });

  it('leaves undefined configuration keys out of the body', () => {
    const stack = newStack();
    generic(stack, {
      configuration: { destinationURL: 'https://example.com/uplinks', description: undefined },
      secretFields: [],
    });
    expect(only(synth(stack).tf, 'resource', 'restful_resource').body.configuration).toEqual({
      destinationURL: 'https://example.com/uplinks',
    });
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

  it('leaves a secret field that is not set out of write_only_attrs', () => {
    const stack = newStack();
    generic(stack, { secretFields: ['headers.token', 'password'] });
    expect(only(synth(stack).tf, 'resource', 'restful_resource').write_only_attrs).toEqual([
      'configuration.headers.token',
    ]);
  });

  it('omits write_only_attrs when the configuration holds no secret', () => {
    const stack = newStack();
    generic(stack, { configuration: { destinationURL: 'https://example.com/uplinks' }, secretFields: [] });
    expect(only(synth(stack).tf, 'resource', 'restful_resource')).not.toHaveProperty('write_only_attrs');
  });

  it('rejects a configuration text the read-back template cannot carry', () => {
    const stack = newStack();
    // Around a secret the configuration is rebuilt key by key, and the provider cannot escape a quote.
    const err = validationError(() =>
      generic(stack, {
        configuration: {
          destinationURL: 'https://example.com/a"b',
          headers: { token: secretVar(stack, 'token') },
        },
      }),
    );
    expect(err.message).toContain('stack/Http');
    expect(err.message).toContain('configuration.destinationURL: received');
    expect(err.message).toContain('allowed:');
    expect(err.message).toContain('Fix:');
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

describe('readTemplate', () => {
  it('copies a subtree without secrets whole', () => {
    const template = readTemplate({ alarms: [{ message: 'x' }], configuration: { a: 1 } }, new Set(), 'p');
    expect(template).toBe(
      '{"alarms":$(body.alarms),"configuration":$(body.configuration),"id":"$(body.id)","state":"$(body.state)"}',
    );
  });

  it('rebuilds a subtree around a nested secret, key by key', () => {
    const body = { configuration: { url: 'https://x', headers: { key: 'k', project: 'p' } } };
    const template = readTemplate(body, new Set(['configuration.headers.key']), 'p');
    const response = { ...body, id: '7', state: 'OPENED' };
    expect(JSON.parse(expandTemplate(template, response))).toEqual({
      configuration: { url: 'https://x', headers: { project: 'p' } },
      id: '7',
      state: 'OPENED',
    });
  });
});
