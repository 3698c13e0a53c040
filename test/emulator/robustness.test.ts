import { call, httpConnection, useEmulator } from '../support/emulator-client';

describe('emulator request handling', () => {
  const t = useEmulator({ settleMs: 0 });

  it('rejects invalid JSON with 400 com-4000', async () => {
    const res = await t.api('POST', '/connections', '{"name": ');

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('com-4000');
    expect(res.body.message).toMatch(/JSON/);
  });

  it('rejects a JSON body that is not an object with 400', async () => {
    const res = await t.api('POST', '/connections', [httpConnection()]);

    expect(res.status).toBe(400);
  });

  it('rejects a body over 1 MiB with 413', async () => {
    const res = await t.api('POST', '/connections', httpConnection({ padding: 'x'.repeat(1024 * 1024) }));

    expect(res.status).toBe(413);
    expect((await t.api('GET', '/connections')).body).toEqual([]);
  });

  it('answers an unknown route with 404', async () => {
    const res = await call('GET', `${t.emulator.url}/iot-flow/v1/flows`, { token: t.token });

    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it.each([
    ['PATCH', '/connections/1000', 'GET, PUT, DELETE'],
    ['DELETE', '/connections', 'GET, POST'],
  ])('answers %s %s with 405 and an Allow header', async (method, path, allow) => {
    const res = await t.api(method, path);

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
  });

  it('gives 50 concurrent creates 50 distinct ids and loses none', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.api('POST', '/connections', httpConnection({ name: `c${i}` }))),
    );

    expect(responses.every((res) => res.status === 201)).toBe(true);
    expect(new Set(responses.map((res) => res.body.id)).size).toBe(50);
    expect((await t.api('GET', '/connections')).body).toHaveLength(50);
  });
});

describe('emulator account limit', () => {
  const t = useEmulator({ maxConnections: 2, settleMs: 0 });

  it('refuses a create beyond maxConnections with 403 com-4030', async () => {
    await t.api('POST', '/connections', httpConnection());
    await t.api('POST', '/connections', httpConnection());

    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      code: 'com-4030',
      message: 'Max connection limit reached (2 connections allowed by the account plan)',
    });
  });

  it('accepts a create again once a connection is deleted', async () => {
    const first = await t.api('POST', '/connections', httpConnection());
    await t.api('POST', '/connections', httpConnection());
    await t.api('DELETE', `/connections/${first.body.id}`);

    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.status).toBe(201);
  });
});
