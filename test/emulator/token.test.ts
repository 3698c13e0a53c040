import { startEmulator, type RunningEmulator } from '../../emulator';
import { call, requestToken, startTestEmulator, type TestEmulator } from '../support/emulator-client';
import { useFrozenClock } from '../support/clock';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('emulator token endpoint', () => {
  let emulator: RunningEmulator;

  beforeEach(async () => {
    emulator = await startEmulator({ clientId: 'tf client', clientSecret: 's3cr:t+/ %' });
  });
  afterEach(() => emulator.close());

  it('issues a bearer token for client credentials sent as form fields', async () => {
    const res = await requestToken(emulator, 'tf client', 's3cr:t+/ %');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });
  });

  it('issues a bearer token for form-urlencoded client credentials in a Basic header, as Go oauth2 sends them', async () => {
    const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
    const basic = Buffer.from(`${encode('tf client')}:${encode('s3cr:t+/ %')}`).toString('base64');

    const res = await call('POST', emulator.tokenUrl, {
      body: 'grant_type=client_credentials',
      headers: { ...FORM, Authorization: `Basic ${basic}` },
    });

    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it('issues a different random token on every request', async () => {
    const first = await requestToken(emulator, 'tf client', 's3cr:t+/ %');
    const second = await requestToken(emulator, 'tf client', 's3cr:t+/ %');

    expect(first.body.access_token).not.toBe(second.body.access_token);
    expect(first.body.access_token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 invalid_client for a wrong client secret', async () => {
    const res = await requestToken(emulator, 'tf client', 'wrong');

    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('answers 401 invalid_client for a wrong secret in a Basic header', async () => {
    const res = await call('POST', emulator.tokenUrl, {
      body: 'grant_type=client_credentials',
      headers: { ...FORM, Authorization: `Basic ${Buffer.from('tf+client:nope').toString('base64')}` },
    });

    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('answers 400 unsupported_grant_type for a grant other than client_credentials', async () => {
    const res = await call('POST', emulator.tokenUrl, {
      body: 'grant_type=password&client_id=tf+client&client_secret=x',
      headers: FORM,
    });

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it('answers 405 with an Allow header for GET on the token endpoint', async () => {
    const res = await call('GET', emulator.tokenUrl);

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('emulator bearer authentication', () => {
  let t: TestEmulator;
  const clock = useFrozenClock();

  afterEach(() => t.emulator.close());

  it('rejects a connection call without a token with 401 com-4001', async () => {
    t = await startTestEmulator();

    const res = await call('GET', `${t.emulator.baseUrl}/connections`);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'com-4001', message: expect.any(String) });
  });

  it('rejects a connection call with an unknown token with 401 com-4001', async () => {
    t = await startTestEmulator();

    const res = await call('GET', `${t.emulator.baseUrl}/connections`, { token: 'not-a-token' });

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('com-4001');
  });

  it('rejects a token once its TTL has passed with 401 com-4001', async () => {
    t = await startTestEmulator({ tokenTtlSeconds: 1 });
    expect((await t.api('GET', '/connections')).status).toBe(200);
    clock.advance(1000);

    const res = await t.api('GET', '/connections');

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('com-4001');
  });
});
