import { fingerprint, MASK } from '../../emulator';
import {
  httpConnection,
  qubitroConnection,
  SIGNING_KEY,
  startTestEmulator,
  type TestEmulator,
} from '../support/emulator-client';

const SECRET = 'raw-secret-value-1234';

/** A connection whose only secret sits at `configuration.nested[0].deep.<key>`. */
function withSecretAt(key: string): Record<string, unknown> {
  return httpConnection({
    configuration: {
      destinationURL: 'https://example.com',
      nested: [{ deep: { [key]: SECRET, keep: 'visible' } }],
    },
  });
}

describe('emulator secret masking', () => {
  let t: TestEmulator;

  beforeEach(async () => {
    t = await startTestEmulator();
  });
  afterEach(() => t.emulator.close());

  it.each([
    'webhookSigningKey',
    'downlinkAsKey',
    'password',
    'clientSecret',
    'Authorization',
    'authorization',
    'AUTHORIZATION',
  ])('masks %s at any depth in the create response and in reads', async (key) => {
    const created = await t.api('POST', '/connections', withSecretAt(key));
    const one = await t.api('GET', `/connections/${created.body.id}`);
    const list = await t.api('GET', '/connections');

    for (const connection of [created.body, one.body, list.body[0]]) {
      expect(connection.configuration.nested[0].deep).toEqual({ [key]: MASK, keep: 'visible' });
    }
  });

  it('masks secrets in the PUT response', async () => {
    const created = await t.api('POST', '/connections', qubitroConnection());

    const res = await t.api(
      'PUT',
      `/connections/${created.body.id}`,
      qubitroConnection({ webhookSigningKey: 'rotated' }),
    );

    expect(res.status).toBe(200);
    expect(res.body.configuration.headers.webhookSigningKey).toBe(MASK);
  });

  it('never returns a raw secret in any response or the request log', async () => {
    const created = await t.api('POST', '/connections', qubitroConnection());
    const texts = [
      created.text,
      (await t.api('PUT', `/connections/${created.body.id}`, qubitroConnection())).text,
      (await t.api('GET', `/connections/${created.body.id}`)).text,
      (await t.api('GET', '/connections')).text,
      (await t.control('GET', '/connections')).text,
      (await t.control('GET', '/requests')).text,
      JSON.stringify(t.emulator.requests()),
    ];

    for (const text of texts) expect(text).not.toContain(SIGNING_KEY);
  });

  it('logs a connection body with each secret replaced by its sha256 fingerprint', async () => {
    await t.api('POST', '/connections', qubitroConnection());

    const [, post] = t.emulator.requests();

    expect(post.body).toMatchObject({
      configuration: { headers: { webhookSigningKey: fingerprint(SIGNING_KEY) } },
    });
    expect(fingerprint(SIGNING_KEY)).toMatch(/^sha256:[0-9a-f]{12}$/);
  });
});
