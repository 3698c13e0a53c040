import { Testing } from 'cdktf';
import { PresetProjectStack, PresetProjectStackProps, QubitroProjectStack } from '../../src';
import { PRESETS } from '../../src/presets/registry';
import { BASE_URL, connections, PROJECT_ID, synth, validationError } from '../support/synth';

Testing.setupJest();

function presetStack(props: Partial<PresetProjectStackProps> = {}) {
  return new PresetProjectStack(Testing.app(), 'tanks', {
    baseUrl: BASE_URL,
    clientId: 'service-account',
    kind: 'tago',
    connections: [{ id: 'Levels', name: 'Tank levels' }],
    ...props,
  });
}

describe('PresetProjectStack', () => {
  it("reads each secret from the variable named after the preset's suffix by default", () => {
    const { tf } = synth(presetStack());
    const [resource] = Object.values(connections(tf));
    expect(resource.secrets_wo).toEqual({
      'destinationURL?authorization': '${var.tago_authorization}',
    });
    expect(tf.variable.tago_authorization).toMatchObject({
      sensitive: true,
      ephemeral: true,
      nullable: true,
    });
  });

  it('refuses an unset secret variable once per stack, in a precondition of its output, not per connection', () => {
    const { tf } = synth(presetStack());
    expect(tf.output.ConnectionIds.precondition).toEqual([
      {
        condition: '${var.tago_authorization != null}',
        error_message:
          'tanks: no authorization: TF_VAR_tago_authorization is not set. Fix: set TF_VAR_tago_authorization; only a destroy runs without it.',
      },
    ]);
    expect(Object.values(connections(tf)).map((r) => r.lifecycle)).toEqual([undefined]);
  });

  it('refuses an unknown kind, naming the kinds of the presets', () => {
    const err = validationError(() => presetStack({ kind: 'tagoio' }));
    expect(err.problems[0]).toMatchObject({ field: 'kind', value: 'tagoio' });
    expect(err.problems[0].allowed).toContain(PRESETS.map((p) => p.kind).join(', '));
  });

  it('synthesizes for kind qubitro what QubitroProjectStack does', () => {
    const connectionsProps = [{ id: 'Uplinks', name: 'Farm sensors to Qubitro' }];
    const qubitro = new QubitroProjectStack(Testing.app(), 'farm', {
      baseUrl: BASE_URL,
      clientId: 'service-account',
      projectId: PROJECT_ID,
      signingKeyVariable: 'farm_signing_key',
      connections: connectionsProps,
    });
    const preset = new PresetProjectStack(Testing.app(), 'farm', {
      baseUrl: BASE_URL,
      clientId: 'service-account',
      kind: 'qubitro',
      fields: { projectId: PROJECT_ID },
      secretVariables: { webhookSigningKey: 'farm_signing_key' },
      connections: connectionsProps,
    });
    expect(synth(preset).text).toBe(synth(qubitro).text);
  });
});
