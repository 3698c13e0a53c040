import { TerraformOutput, Testing } from 'cdktf';
import {
  QUBITRO_BRAND,
  QUBITRO_CONNECTOR_ID,
  QUBITRO_DEFAULT_DESTINATION,
  QubitroConnectionProps,
  unsafePlaintextSecret,
} from '../../src';
import {
  expandTemplate,
  newStack,
  oauthApi,
  only,
  PROJECT_ID,
  qubitro,
  RESTFUL_RESOURCE,
  secretVar,
  synth,
  TfJson,
} from '../support/synth';

Testing.setupJest();

/** Synthesizes one QubitroConnection `Uplinks` on an OAuth2 endpoint and returns its restful_resource. */
function resourceOf(props: Partial<QubitroConnectionProps> = {}): TfJson {
  const stack = newStack();
  qubitro(stack, oauthApi(stack), 'Uplinks', props);
  return only(synth(stack).tf, 'resource', 'restful_resource');
}

describe('QubitroConnection request', () => {
  it('synthesizes one restful_resource on the connections collection', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack));
    const { text, tf } = synth(stack);

    expect(text).toHaveResourceWithProperties(RESTFUL_RESOURCE, { path: '/connections' });
    expect(Object.keys(tf.resource.restful_resource)).toHaveLength(1);
  });

  it('creates with POST, replaces with PUT and deletes with DELETE', () => {
    expect(resourceOf()).toMatchObject({
      create_method: 'POST',
      update_method: 'PUT',
      delete_method: 'DELETE',
    });
  });

  it('reads the connection back at the path plus the server-assigned id', () => {
    expect(resourceOf().read_path).toBe('$(path)/$(body.id)');
  });

  it('sends exactly name, connector, brand, destination and the two headers when nothing optional is set', () => {
    expect(resourceOf({ name: 'Farm sensors' }).body).toEqual({
      name: 'Farm sensors',
      connectorId: 'actility-http-iot',
      brand: 'QUBITRO',
      configuration: {
        destinationURL: 'https://webhook.qubitro.com/integrations/actility',
        headers: { projectId: PROJECT_ID, webhookSigningKey: '${var.signing_key}' },
      },
    });
  });

  it('exports the connector id, brand and default destination it sends', () => {
    expect([QUBITRO_CONNECTOR_ID, QUBITRO_BRAND, QUBITRO_DEFAULT_DESTINATION]).toEqual([
      'actility-http-iot',
      'QUBITRO',
      'https://webhook.qubitro.com/integrations/actility',
    ]);
  });

  it('never sends the GEAR_STUDIO brand of the seed page', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack));
    expect(synth(stack).text).not.toContain('GEAR_STUDIO');
  });

  it('sends the project id only as a header, never as configuration.projectId', () => {
    const body = resourceOf().body;
    expect(body.configuration).not.toHaveProperty('projectId');
    expect(body.configuration.headers.projectId).toBe(PROJECT_ID);
  });

  it('sends a custom destinationUrl as configuration.destinationURL', () => {
    const body = resourceOf({ destinationUrl: 'https://eu.webhook.example.com/actility' }).body;
    expect(body.configuration.destinationURL).toBe('https://eu.webhook.example.com/actility');
  });

  it('sends the webhook signing key as a reference to its variable', () => {
    expect(resourceOf().body.configuration.headers.webhookSigningKey).toBe('${var.signing_key}');
  });

  describe('common parameters', () => {
    const cases: [keyof QubitroConnectionProps, unknown][] = [
      ['description', 'Standby route'],
      ['createDevices', false],
      ['sendMetadata', true],
      ['sendRawDecodedFormat', true],
      ['uplinkTimeValidity', '5m'],
      ['downlinkEnabled', false],
      ['downlinkAsId', 'as-1'],
      ['downlinkPort', 15],
      ['reconnectStrategy', 'AGGRESSIVE'],
    ];

    it.each(cases)('sends %s inside configuration when it is set', (key, value) => {
      const configuration = resourceOf({ [key]: value }).body.configuration;
      expect(configuration[key]).toEqual(value);
      expect(Object.keys(configuration).sort()).toEqual(['destinationURL', 'headers', key].sort());
    });

    it('sends downlinkAsKey inside configuration, as a reference to its variable', () => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', { downlinkAsKey: secretVar(stack, 'as_key') });
      const body = only(synth(stack).tf, 'resource', 'restful_resource').body;
      expect(body.configuration.downlinkAsKey).toBe('${var.as_key}');
    });

    it('sends active at the top level, not inside configuration', () => {
      const body = resourceOf({ active: false }).body;
      expect(body.active).toBe(false);
      expect(body.configuration).not.toHaveProperty('active');
    });

    it('sends alarms at the top level, not inside configuration', () => {
      const alarms = [{ uplinkRateMinPerHour: 2, recurrence: [{ frequency: 'daily' as const }] }];
      const body = resourceOf({ alarms }).body;
      expect(body.alarms).toEqual([{ uplinkRateMinPerHour: 2, recurrence: [{ frequency: 'daily' }] }]);
      expect(body.configuration).not.toHaveProperty('alarms');
    });

    it('leaves active and alarms out when they are not set', () => {
      const body = resourceOf().body;
      expect(Object.keys(body).sort()).toEqual(['brand', 'configuration', 'connectorId', 'name']);
    });
  });

  describe('write-only secrets', () => {
    it('lists only the webhook signing key as write-only when no downlink key is set', () => {
      expect(resourceOf().write_only_attrs).toEqual(['configuration.headers.webhookSigningKey']);
    });

    it('lists the downlink key as write-only too when it is set', () => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', { downlinkAsKey: secretVar(stack, 'as_key') });
      const resource = only(synth(stack).tf, 'resource', 'restful_resource');
      expect([...resource.write_only_attrs].sort()).toEqual([
        'configuration.downlinkAsKey',
        'configuration.headers.webhookSigningKey',
      ]);
    });
  });

  describe('read_response_template', () => {
    /** A connection with every optional field set, as the API would answer it: secrets masked, id and state added. */
    function fullyDeclared(): { resource: TfJson; response: TfJson } {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', {
        name: 'Farm sensors',
        destinationUrl: 'https://eu.webhook.example.com/actility',
        active: false,
        description: 'Standby route',
        createDevices: false,
        sendMetadata: true,
        sendRawDecodedFormat: true,
        uplinkTimeValidity: '5m',
        downlinkEnabled: true,
        downlinkAsId: 'as-1',
        downlinkAsKey: unsafePlaintextSecret('as-key-value'),
        downlinkPort: 15,
        reconnectStrategy: 'CALM',
        alarms: [
          { uplinkRateMinPerHour: 2, recurrence: [{ frequency: 'weekly', byDays: ['monday', 'friday'] }] },
        ],
      });
      const resource = only(synth(stack).tf, 'resource', 'restful_resource');
      const body = structuredClone(resource.body);
      body.configuration.headers.webhookSigningKey = '*****';
      body.configuration.downlinkAsKey = '*****';
      return { resource, response: { ...body, id: '1114', state: 'OPENED', createdAt: 1700000000 } };
    }

    it('is valid JSON once each placeholder is replaced with the API response', () => {
      const { resource, response } = fullyDeclared();
      expect(() => JSON.parse(expandTemplate(resource.read_response_template, response))).not.toThrow();
    });

    it('rebuilds the declared body without its secrets, plus id and state', () => {
      const { resource, response } = fullyDeclared();
      const expected = structuredClone(resource.body);
      delete expected.configuration.headers.webhookSigningKey;
      delete expected.configuration.downlinkAsKey;

      const read = JSON.parse(expandTemplate(resource.read_response_template, response));

      expect(read).toEqual({ ...expected, id: '1114', state: 'OPENED' });
    });

    it('never mentions the webhook signing key', () => {
      expect(resourceOf().read_response_template).not.toContain('webhookSigningKey');
    });

    it('never mentions the downlink key', () => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', { downlinkAsKey: secretVar(stack, 'as_key') });
      expect(only(synth(stack).tf, 'resource', 'restful_resource').read_response_template).not.toContain(
        'downlinkAsKey',
      );
    });

    it('carries the server-assigned id and state', () => {
      const template = resourceOf().read_response_template;
      expect(template).toContain('"id":"$(body.id)"');
      expect(template).toContain('"state":"$(body.state)"');
    });
  });

  it('keeps the server id and state in the resource output', () => {
    expect(resourceOf().output_attrs).toEqual(['id', 'state']);
  });

  it('exposes connectionId as the id kept in the resource output', () => {
    const stack = newStack();
    const c = qubitro(stack, oauthApi(stack));
    new TerraformOutput(stack, 'ConnectionId', { value: c.connectionId });
    expect(synth(stack).tf.output.ConnectionId.value).toMatch(
      /^\$\{restful_resource\.Uplinks_[0-9A-F]+\.output\.id\}$/,
    );
  });

  it('uses the provider of its IotFlowApi', () => {
    expect(resourceOf().provider).toMatch(/^restful\.stack_api_[0-9a-f]{8}$/);
  });

  it('adopts an existing connection through an import block when importFrom is set', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { importFrom: '1114' });
    const { tf } = synth(stack);
    const [logicalId] = Object.keys(tf.resource.restful_resource);

    expect(tf.import).toHaveLength(1);
    expect(tf.import[0]).toMatchObject({
      to: `restful_resource.${logicalId}`,
      provider: expect.stringMatching(/^restful\.stack_api_[0-9a-f]{8}$/),
    });
    expect(JSON.parse(tf.import[0].id)).toMatchObject({ id: '/connections/1114', path: '/connections' });
  });

  it('leaves the signing key out of the import id', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { importFrom: '1114' });
    expect(synth(stack).tf.import[0].id).not.toContain('webhookSigningKey');
  });
});
