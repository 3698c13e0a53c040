import { startEmulator, type RunningEmulator } from '../../emulator';
import { call, httpConnection, requestToken, useEmulator } from '../support/emulator-client';

describe('emulator fault injection', () => {
  const t = useEmulator({ settleMs: 0 });

  it('answers a matching call with the injected status and Retry-After header', async () => {
    await t.control('POST', '/faults', [
      { method: 'POST', path: '/connections$', status: 429, retryAfter: 7, times: 1 },
    ]);

    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body).toEqual({ code: expect.any(String), message: expect.any(String) });
    expect((await t.api('GET', '/connections')).body).toEqual([]);
  });

  it('logs a faulted call with the status answered and fault: true', async () => {
    await t.control('POST', '/faults', [{ path: '/connections$', status: 503, times: 1 }]);

    await t.api('GET', '/connections');

    expect(t.emulator.requests().at(-1)).toMatchObject({ method: 'GET', status: 503, fault: true });
  });

  it('stops faulting after `times` matching calls', async () => {
    await t.control('POST', '/faults', [{ method: 'GET', status: 503, times: 2 }]);

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.api('GET', '/connections')).status);

    expect(statuses).toEqual([503, 503, 200]);
  });

  it('leaves calls that do not match the method or path alone', async () => {
    await t.control('POST', '/faults', [
      { method: 'DELETE', path: '^/iot-flow/v1/connections/', status: 500, times: 1 },
    ]);

    expect((await t.api('POST', '/connections', httpConnection())).status).toBe(201);
    expect((await t.api('GET', '/connections/1000')).status).toBe(200);
  });

  it('delays a call by delayMs and then processes it normally', async () => {
    await t.control('POST', '/faults', [{ method: 'POST', delayMs: 300, times: 1 }]);

    const started = Date.now();
    const res = await t.api('POST', '/connections', httpConnection());

    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(201);
  });

  it('commits a dropAfterCommit call but destroys the socket without answering', async () => {
    await t.control('POST', '/faults', [
      { method: 'POST', path: '/connections$', dropAfterCommit: true, times: 1 },
    ]);

    await expect(t.api('POST', '/connections', httpConnection({ name: 'lost-response' }))).rejects.toThrow();

    const list = await t.api('GET', '/connections');
    expect(list.body.map((c: { name: string }) => c.name)).toEqual(['lost-response']);
    expect(t.emulator.requests()).toContainEqual(
      expect.objectContaining({ method: 'POST', status: 201, fault: true, dropped: true }),
    );
  });

  it('can fault the token endpoint', async () => {
    await t.control('POST', '/faults', [{ path: '/openid-connect/token$', status: 503, times: 1 }]);

    expect((await requestToken(t.emulator)).status).toBe(503);
    expect((await requestToken(t.emulator)).status).toBe(200);
  });

  it('clears every rule on DELETE /__emulator/faults', async () => {
    await t.control('POST', '/faults', [{ status: 500, times: 5 }]);

    const cleared = await t.control('DELETE', '/faults');

    expect(cleared.status).toBe(204);
    expect((await t.api('GET', '/connections')).status).toBe(200);
  });

  it.each([
    ['a rule that is not in an array', { status: 500, times: 1 }],
    ['a rule without times', [{ status: 500 }]],
    ['a rule with an invalid regex', [{ path: '(', status: 500, times: 1 }]],
    ['a rule with no effect', [{ method: 'GET', times: 1 }]],
    ['a rule with a misspelt field', [{ status: 500, time: 1 }]],
  ])('rejects %s with 400', async (_case, rules) => {
    const res = await t.control('POST', '/faults', rules);

    expect(res.status).toBe(400);
  });
});

describe('emulator latency', () => {
  const t = useEmulator({ latencyMs: 250 });

  it('delays API responses by latencyMs', async () => {
    const started = Date.now();
    await t.api('GET', '/connections');

    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe('emulator latency and the control plane', () => {
  let emulator: RunningEmulator;

  // Ten minutes of latency: a control call that waited it out would fail on the test's timeout.
  beforeEach(async () => {
    emulator = await startEmulator({ latencyMs: 600_000 });
  });
  afterEach(() => emulator.close());

  it('does not delay the control plane', async () => {
    expect((await call('GET', `${emulator.url}/__emulator/requests`)).status).toBe(200);
  });
});
