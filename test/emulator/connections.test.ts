import { COMMON_CONFIGURATION_DEFAULTS } from '../../emulator';
import { call, httpConnection, useEmulator } from '../support/emulator-client';

/** A connection as a read shows it: the server-side configuration defaults added to what was sent. */
function withDefaults(connection: Record<string, unknown>): Record<string, unknown> {
  const configuration = connection.configuration as Record<string, unknown>;
  return { ...connection, configuration: { ...COMMON_CONFIGURATION_DEFAULTS, ...configuration } };
}

describe('emulator connections API', () => {
  const t = useEmulator({ settleMs: 0 });

  it('creates a connection with 201, a Location header, a string id, state OPENED and a startup time', async () => {
    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('location')).toBe(`/connections/${res.body.id}`);
    expect(res.body).toEqual({
      ...withDefaults(httpConnection()),
      id: '1000',
      active: true,
      state: 'OPENED',
      startupTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('numbers connections sequentially as strings', async () => {
    const first = await t.api('POST', '/connections', httpConnection({ name: 'a' }));
    const second = await t.api('POST', '/connections', httpConnection({ name: 'b' }));

    expect([first.body.id, second.body.id]).toEqual(['1000', '1001']);
  });

  it('creates an inactive connection in state DEACTIVATED', async () => {
    const res = await t.api('POST', '/connections', httpConnection({ active: false }));

    expect(res.body).toMatchObject({ active: false, state: 'DEACTIVATED' });
  });

  it('ignores a client-supplied id, state and startupTime on create', async () => {
    const res = await t.api(
      'POST',
      '/connections',
      httpConnection({ id: 'mine', state: 'CLOSED', startupTime: '2000-01-01T00:00:00.000Z' }),
    );

    expect(res.body.id).toBe('1000');
    expect(res.body.state).toBe('OPENED');
    expect(res.body.startupTime).not.toBe('2000-01-01T00:00:00.000Z');
  });

  it.each(['name', 'connectorId', 'configuration'])(
    'rejects a create without %s with 400 com-4000 naming it',
    async (field) => {
      const body = httpConnection();
      delete body[field];

      const res = await t.api('POST', '/connections', body);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('com-4000');
      expect(res.body.message).toContain(field);
    },
  );

  it('rejects an empty name with 400', async () => {
    const res = await t.api('POST', '/connections', httpConnection({ name: '' }));

    expect(res.status).toBe(400);
    expect(res.body.message).toContain('name');
  });

  it('serves the same store under both API prefixes', async () => {
    const created = await call('POST', `${t.emulator.url}/thingpark/dx/core/latest/api/connections`, {
      token: t.token,
      body: httpConnection(),
    });

    const read = await t.api('GET', `/connections/${created.body.id}`);

    expect(created.headers.get('location')).toBe(`/connections/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('lists connections as a bare JSON array', async () => {
    await t.api('POST', '/connections', httpConnection({ name: 'a' }));
    await t.api('POST', '/connections', httpConnection({ name: 'b' }));

    const res = await t.api('GET', '/connections');

    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.map((c: { name: string }) => c.name)).toEqual(['a', 'b']);
  });

  it('reads one connection by id', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const res = await t.api('GET', `/connections/${created.body.id}`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
  });

  it('replaces the whole connection on PUT, keeping id and startupTime', async () => {
    const created = await t.api(
      'POST',
      '/connections',
      httpConnection({ description: 'old', active: false }),
    );

    const replacement = {
      name: 'renamed',
      connectorId: 'other',
      configuration: { destinationURL: 'https://b' },
    };
    const res = await t.api('PUT', `/connections/${created.body.id}`, {
      ...replacement,
      id: '9999',
      state: 'CLOSED',
      startupTime: '2000-01-01T00:00:00.000Z',
    });

    const expected = {
      ...withDefaults(replacement),
      id: created.body.id,
      active: true,
      state: 'OPENED',
      startupTime: created.body.startupTime,
    };
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
    expect((await t.api('GET', `/connections/${created.body.id}`)).body).toEqual(expected);
  });

  it('rejects a partial PUT with 400 and leaves the connection unchanged', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const res = await t.api('PUT', `/connections/${created.body.id}`, { name: 'only-a-name' });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('com-4000');
    expect(res.body.message).toContain('connectorId');
    expect((await t.api('GET', `/connections/${created.body.id}`)).body).toEqual(created.body);
  });

  it('deletes a connection with 204 and no body, after which it is 404', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const res = await t.api('DELETE', `/connections/${created.body.id}`);

    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('content-type')).toBeNull();
    expect((await t.api('GET', `/connections/${created.body.id}`)).status).toBe(404);
  });

  it.each([
    ['GET', undefined],
    ['PUT', httpConnection()],
    ['DELETE', undefined],
  ])('answers %s on an unknown id with 404 com-4004', async (method, body) => {
    const res = await t.api(method, '/connections/4242', body);

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'com-4004', message: 'Connection 4242 not found' });
  });
});
