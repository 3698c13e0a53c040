import { call, requestToken, useEmulator } from '../support/emulator-client';
import { useFrozenClock } from '../support/clock';

describe('emulator rate limiting, NGINX default', () => {
  const t = useEmulator({ settleMs: 0, rateLimit: 4, rateBurst: 2 });
  // The calls of a test arrive at one instant: a busy machine must not drain the bucket between them.
  const clock = useFrozenClock();

  it('answers a call beyond the burst with 503, an NGINX HTML page and no Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await t.api('GET', '/connections')).status);

    const res = await t.api('GET', '/connections');

    expect(statuses).toEqual([200, 200]);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toContain('<center>nginx</center>');
  });

  it('lets calls through again once the bucket has drained', async () => {
    await t.api('GET', '/connections');
    await t.api('GET', '/connections');
    expect((await t.api('GET', '/connections')).status).toBe(503);

    clock.advance(300);

    expect((await t.api('GET', '/connections')).status).toBe(200);
  });

  it('keeps one bucket per endpoint category', async () => {
    await t.api('GET', '/connections');
    await t.api('GET', '/connections');

    expect((await t.api('GET', '/connectors')).status).toBe(200);
  });

  it('never limits the token endpoint or the control plane', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await requestToken(t.emulator)).status).toBe(200);
      expect((await t.control('GET', '/requests')).status).toBe(200);
    }
  });

  it('logs a refused call with rateLimited: true', async () => {
    for (let i = 0; i < 3; i++) await t.api('GET', '/connections');

    expect(t.emulator.requests().at(-1)).toMatchObject({ method: 'GET', status: 503, rateLimited: true });
  });

  it('refuses before authentication, like a proxy in front of the API', async () => {
    for (let i = 0; i < 2; i++) await t.api('GET', '/connections');

    expect((await call('GET', `${t.emulator.baseUrl}/connections`)).status).toBe(503);
  });
});

describe('emulator rate limiting with 429', () => {
  const t = useEmulator({ settleMs: 0, rateLimit: 2, rateBurst: 1, rateLimitStatus: 429 });
  useFrozenClock();

  it('answers a call beyond the burst with 429 and Retry-After in whole seconds', async () => {
    await t.api('GET', '/connections');

    const res = await t.api('GET', '/connections');

    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.text).toContain('429 Too Many Requests');
  });
});

describe('emulator without rate limiting', () => {
  const t = useEmulator({ settleMs: 0 });

  it('does not limit by default', async () => {
    const responses = await Promise.all(Array.from({ length: 100 }, () => t.api('GET', '/connections')));

    expect(responses.every((res) => res.status === 200)).toBe(true);
  });
});
