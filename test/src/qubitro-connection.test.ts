import { TerraformOutput, Testing } from 'cdktf';
import {
  QUBITRO_BRAND,
  QUBITRO_CONNECTOR_ID,
  QUBITRO_DEFAULT_DESTINATION,
  QubitroConnectionProps,
  unsafePlaintextSecret,
} from '../../src';
import {
  bodyOf,
  configurationOf,
  CONNECTION,
  connections,
  newStack,
  oauthApi,
  onlyConnection,
  PROJECT_ID,
  qubitro,
  secretVar,
  synth,
  TfJson,
} from '../support/synth';

Testing.setupJest();

/** Synthesizes one QubitroConnection `Uplinks` on an OAuth2 endpoint and returns its iotflow_connection. */
function resourceOf(props: Partial<QubitroConnectionProps> = {}): TfJson {
  const stack = newStack();
  qubitro(stack, oauthApi(stack), 'Uplinks', props);
  return onlyConnection(synth(stack).tf);
}

/** The request body of that connection (`bodyOf`): its attributes, secrets put back in the configuration. */
function bodyWith(props: Partial<QubitroConnectionProps> = {}): TfJson {
  return bodyOf(resourceOf(props));
}

/** One QubitroConnection `Uplinks` with a downlink key from the variable `as_key`; its iotflow_connection. */
function withDownlinkKey(): TfJson {
  const stack = newStack();
  qubitro(stack, oauthApi(stack), 'Uplinks', { downlinkAsKey: secretVar(stack, 'as_key') });
  return onlyConnection(synth(stack).tf);
}

describe('QubitroConnection request', () => {
  it('synthesizes one iotflow_connection with the Qubitro connector', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack));
    const { text, tf } = synth(stack);

    expect(text).toHaveResourceWithProperties(CONNECTION, { connector_id: 'actility-http-iot' });
    expect(Object.keys(connections(tf))).toHaveLength(1);
  });

  it('sends name, connector and brand as attributes of their own', () => {
    expect(resourceOf({ name: 'Farm sensors' })).toMatchObject({
      name: 'Farm sensors',
      connector_id: 'actility-http-iot',
      brand: 'QUBITRO',
    });
  });

  it('sends exactly name, connector, brand, destination and the two headers when nothing optional is set', () => {
    expect(bodyWith({ name: 'Farm sensors' })).toEqual({
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
    const body = bodyWith();
    expect(body.configuration).not.toHaveProperty('projectId');
    expect(body.configuration.headers.projectId).toBe(PROJECT_ID);
  });

  it('sends a custom destinationUrl as configuration.destinationURL', () => {
    const body = bodyWith({ destinationUrl: 'https://eu.webhook.example.com/actility' });
    expect(body.configuration.destinationURL).toBe('https://eu.webhook.example.com/actility');
  });

  it('sends the webhook signing key write-only, as a reference to its variable', () => {
    expect(resourceOf().secrets_wo).toEqual({ 'headers.webhookSigningKey': '${var.signing_key}' });
  });

  it('keeps the webhook signing key out of the configuration JSON', () => {
    const resource = resourceOf();
    expect(configurationOf(resource).headers).toEqual({ projectId: PROJECT_ID });
    expect(resource.configuration).not.toContain('signing_key');
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
      const configuration = configurationOf(resourceOf({ [key]: value }));
      expect(configuration[key]).toEqual(value);
      expect(Object.keys(configuration).sort()).toEqual(['destinationURL', 'headers', key].sort());
    });

    it('sends downlinkAsKey at configuration.downlinkAsKey, as a reference to its variable', () => {
      expect(bodyOf(withDownlinkKey()).configuration.downlinkAsKey).toBe('${var.as_key}');
    });

    it('sends active at the top level, not inside configuration', () => {
      const resource = resourceOf({ active: false });
      expect(resource.active).toBe(false);
      expect(configurationOf(resource)).not.toHaveProperty('active');
    });

    it('sends alarms at the top level, not inside configuration', () => {
      const alarms = [{ uplinkRateMinPerHour: 2, recurrence: [{ frequency: 'daily' as const }] }];
      const resource = resourceOf({ alarms });
      expect(JSON.parse(resource.alarms)).toEqual([
        { uplinkRateMinPerHour: 2, recurrence: [{ frequency: 'daily' }] },
      ]);
      expect(configurationOf(resource)).not.toHaveProperty('alarms');
    });

    it('leaves active and alarms out when they are not set', () => {
      const resource = resourceOf();
      expect(resource).not.toHaveProperty('active');
      expect(resource).not.toHaveProperty('alarms');
    });
  });

  describe('write-only secrets', () => {
    it('sends only the webhook signing key write-only when no downlink key is set', () => {
      expect(Object.keys(resourceOf().secrets_wo)).toEqual(['headers.webhookSigningKey']);
    });

    it('sends the downlink key write-only too when it is set', () => {
      expect(withDownlinkKey().secrets_wo).toEqual({
        'headers.webhookSigningKey': '${var.signing_key}',
        downlinkAsKey: '${var.as_key}',
      });
    });

    it('keeps the downlink key out of the configuration JSON', () => {
      const resource = withDownlinkKey();
      expect(configurationOf(resource)).not.toHaveProperty('downlinkAsKey');
      expect(resource.configuration).not.toContain('as_key');
    });

    it('writes every other declared field into the configuration JSON, with all optional fields set', () => {
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
      const resource = onlyConnection(synth(stack).tf);
      expect(configurationOf(resource)).toEqual({
        destinationURL: 'https://eu.webhook.example.com/actility',
        headers: { projectId: PROJECT_ID },
        description: 'Standby route',
        createDevices: false,
        sendMetadata: true,
        sendRawDecodedFormat: true,
        uplinkTimeValidity: '5m',
        downlinkEnabled: true,
        downlinkAsId: 'as-1',
        downlinkPort: 15,
        reconnectStrategy: 'CALM',
      });
      expect(resource.secrets_wo).toEqual({
        'headers.webhookSigningKey': '${var.signing_key}',
        downlinkAsKey: 'as-key-value',
      });
    });
  });

  it('exposes connectionId as the id of the resource', () => {
    const stack = newStack();
    const c = qubitro(stack, oauthApi(stack));
    new TerraformOutput(stack, 'ConnectionId', { value: c.connectionId });
    expect(synth(stack).tf.output.ConnectionId.value).toMatch(
      /^\$\{iotflow_connection\.Uplinks_[0-9A-F]+\.id\}$/,
    );
  });

  it('uses the provider of its IotFlowApi', () => {
    expect(resourceOf().provider).toMatch(/^iotflow\.stack_api_[0-9a-f]{8}$/);
  });

  it('adopts an existing connection through an import block when importFrom is set', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { importFrom: '1114' });
    const { tf } = synth(stack);
    const [logicalId] = Object.keys(connections(tf));

    expect(tf.import).toEqual([
      {
        to: `iotflow_connection.${logicalId}`,
        provider: expect.stringMatching(/^iotflow\.stack_api_[0-9a-f]{8}$/),
        id: '1114',
      },
    ]);
  });

  it('leaves the signing key out of the import block', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { importFrom: '1114' });
    const block = JSON.stringify(synth(stack).tf.import);
    expect(block).not.toContain('webhookSigningKey');
    expect(block).not.toContain('signing_key');
  });
});
