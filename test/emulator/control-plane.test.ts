import { CONNECTION_STATES, MASK } from '../../emulator';
import { call, httpConnection, qubitroConnection, useEmulator } from '../support/emulator-client';

describe('emulator control plane', () => {
  const t = useEmulator({ settleMs: 0 });

  it('logs every API call, token call included, with the path stripped of its query string', async () => {
    await call('GET', `${t.emulator.baseUrl}/connections?limit=5`, { token: t.token });

    const res = await t.control('GET', '/requests');

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        method: 'POST',
        path: '/users-auth/protocol/openid-connect/token',
        status: 200,
        at: expect.any(String),
      },
      { method: 'GET', path: '/iot-flow/v1/connections', status: 200, at: expect.any(String) },
    ]);
  });

  it('does not log control-plane calls', async () => {
    await t.control('GET', '/connections');

    expect((await t.control('GET', '/requests')).body).toHaveLength(1);
  });

  it('returns the same log from requests() as from GET /__emulator/requests', async () => {
    await t.api('POST', '/connections', httpConnection());

    expect(t.emulator.requests()).toEqual((await t.control('GET', '/requests')).body);
  });

  it('empties the store, the log and the faults on POST /__emulator/reset but keeps tokens valid', async () => {
    await t.api('POST', '/connections', httpConnection());
    await t.control('POST', '/faults', [{ method: 'GET', status: 500, times: 1 }]);

    expect((await t.control('POST', '/reset')).status).toBe(204);

    const list = await t.api('GET', '/connections');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
    expect(t.emulator.requests()).toHaveLength(1);
  });

  it('never reuses an id after a reset', async () => {
    await t.api('POST', '/connections', httpConnection());
    await t.control('POST', '/reset');

    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.body.id).toBe('1001');
  });

  it('empties the store on programmatic reset()', async () => {
    await t.api('POST', '/connections', httpConnection());

    t.emulator.reset();

    expect((await t.api('GET', '/connections')).body).toEqual([]);
  });

  it('lists connections masked on GET /__emulator/connections', async () => {
    await t.api('POST', '/connections', qubitroConnection());

    const res = await t.control('GET', '/connections');

    expect(res.body[0].configuration.headers.webhookSigningKey).toBe(MASK);
  });

  it('sets a connection state through POST /__emulator/connections/{id}/state', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const res = await t.control('POST', `/connections/${created.body.id}/state`, { state: 'UNREACHABLE' });

    expect(res.status).toBe(200);
    expect((await t.api('GET', `/connections/${created.body.id}`)).body.state).toBe('UNREACHABLE');
  });

  it('accepts every documented state', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    for (const state of CONNECTION_STATES) {
      expect((await t.control('POST', `/connections/${created.body.id}/state`, { state })).status).toBe(200);
    }
  });

  it('rejects an unknown state with 400', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    const res = await t.control('POST', `/connections/${created.body.id}/state`, { state: 'BROKEN' });

    expect(res.status).toBe(400);
  });

  it('answers a state change for an unknown id with 404', async () => {
    const res = await t.control('POST', '/connections/4242/state', { state: 'CLOSED' });

    expect(res.status).toBe(404);
  });
});
