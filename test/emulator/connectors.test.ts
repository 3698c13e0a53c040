import { COMMON_CONFIGURATION_DEFAULTS } from '../../emulator';
import { call, httpConnection, useEmulator } from '../support/emulator-client';

const DEFAULTS = {
  createDevices: true,
  sendMetadata: false,
  sendRawDecodedFormat: false,
  downlinkEnabled: true,
  reconnectStrategy: 'NORMAL',
};

describe('emulator server-side defaults', () => {
  const t = useEmulator({ settleMs: 0 });

  it('uses exactly the five documented configuration defaults', () => {
    expect(COMMON_CONFIGURATION_DEFAULTS).toEqual(DEFAULTS);
  });

  it('adds the configuration defaults and active: true to the create answer', async () => {
    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.body.active).toBe(true);
    expect(res.body.configuration).toEqual({ ...(httpConnection().configuration as object), ...DEFAULTS });
  });

  it('adds the defaults to a read of one and to the list', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const one = await t.api('GET', `/connections/${created.body.id}`);
    const list = await t.api('GET', '/connections');

    expect(one.body.configuration).toMatchObject(DEFAULTS);
    expect(list.body[0].configuration).toMatchObject(DEFAULTS);
  });

  it('keeps a value the client sent instead of the default', async () => {
    const body = httpConnection({
      configuration: { destinationURL: 'https://x', createDevices: false, reconnectStrategy: 'CALM' },
    });

    const res = await t.api('POST', '/connections', body);

    expect(res.body.configuration).toMatchObject({ createDevices: false, reconnectStrategy: 'CALM' });
  });

  it('adds the defaults to the PUT answer', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const res = await t.api('PUT', `/connections/${created.body.id}`, httpConnection({ name: 'b' }));

    expect(res.body.configuration).toMatchObject(DEFAULTS);
  });

  it('does not store the defaults: the control plane state file view is what was sent', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    expect(t.emulator.requests().at(-1)?.body).toEqual(httpConnection());
    expect(created.body.configuration.createDevices).toBe(true);
  });
});

describe('emulator with serverDefaults off', () => {
  const t = useEmulator({ settleMs: 0, serverDefaults: false });

  it('answers reads with only what was sent plus id, state and startupTime', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const res = await t.api('GET', `/connections/${created.body.id}`);

    expect(res.body).toEqual({
      ...httpConnection(),
      id: created.body.id,
      state: 'OPENED',
      startupTime: expect.any(String),
    });
  });
});

describe('emulator connectors', () => {
  const t = useEmulator({ settleMs: 0 });

  it('lists the HTTP connector with its configuration schema', async () => {
    const res = await t.api('GET', '/connectors');

    expect(res.status).toBe(200);
    const http = res.body.find((c: { id: string }) => c.id === 'actility-http-iot');
    const properties = http.connection.configurationSchema.properties;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining([
        'destinationURL',
        'headers',
        'description',
        'createDevices',
        'sendMetadata',
        'sendRawDecodedFormat',
        'uplinkTimeValidity',
        'downlinkEnabled',
        'downlinkAsId',
        'downlinkAsKey',
        'downlinkPort',
        'reconnectStrategy',
      ]),
    );
    expect(properties.reconnectStrategy).toEqual({
      type: 'string',
      enum: ['CALM', 'NORMAL', 'AGGRESSIVE'],
      default: 'NORMAL',
    });
    expect(properties.createDevices.default).toBe(true);
  });

  it('shows the same defaults in the schema as on reads', async () => {
    const res = await t.api('GET', '/connectors/actility-http-iot');

    const properties = res.body.connection.configurationSchema.properties;
    for (const [field, value] of Object.entries(DEFAULTS)) expect(properties[field].default).toBe(value);
  });

  it('answers an unknown connector id with 404', async () => {
    expect((await t.api('GET', '/connectors/nope')).status).toBe(404);
  });

  it('needs a bearer token', async () => {
    expect((await call('GET', `${t.emulator.baseUrl}/connectors`)).status).toBe(401);
  });
});
