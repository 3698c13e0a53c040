import { fingerprint, isCredentialHeader, MASK } from '../../emulator';
import { httpConnection, qubitroConnection, SIGNING_KEY, useEmulator } from '../support/emulator-client';

const SECRET = 'raw-secret-value-1234';

/** An HTTP-connector connection with `configuration` merged over a plain destination. */
function httpIot(configuration: Record<string, unknown>): Record<string, unknown> {
  return httpConnection({
    connectorId: 'actility-http-iot',
    configuration: { destinationURL: 'https://example.com', ...configuration },
  });
}

describe('emulator secret masking', () => {
  const t = useEmulator({ settleMs: 0 });

  /** The connection as the create answer, a read of one and the list show it. */
  async function readsOf(body: Record<string, unknown>): Promise<any[]> {
    const created = await t.api('POST', '/connections', body);
    const one = await t.api('GET', `/connections/${created.body.id}`);
    const list = await t.api('GET', '/connections');
    return [created.body, one.body, list.body.at(-1)];
  }

  it.each([
    'webhookSigningKey',
    'Authorization',
    'authorization',
    'AUTHORIZATION',
    'x-api-key',
    'X-Auth-Token',
  ])('masks the %s header of the HTTP connector in the create answer and in reads', async (header) => {
    for (const connection of await readsOf(httpIot({ headers: { [header]: SECRET, projectId: 'p-1' } }))) {
      expect(connection.configuration.headers).toEqual({ [header]: MASK, projectId: 'p-1' });
    }
  });

  it('masks downlinkAsKey of the HTTP connector but not downlinkAsId', async () => {
    for (const connection of await readsOf(httpIot({ downlinkAsKey: SECRET, downlinkAsId: 'as-1' }))) {
      expect(connection.configuration).toMatchObject({ downlinkAsKey: MASK, downlinkAsId: 'as-1' });
    }
  });

  it('leaves a secret-looking key outside the connector masked paths readable', async () => {
    const [created] = await readsOf(httpIot({ nested: [{ deep: { password: 'not-a-field' } }] }));

    expect(created.configuration.nested[0].deep.password).toBe('not-a-field');
  });

  it('masks accessKeyId, secretAccessKey and certificate of the AWS connector but not its region', async () => {
    const aws = {
      name: 'to-aws',
      connectorId: 'actility-aws-iot',
      configuration: {
        region: 'eu-west-1',
        accessKeyId: 'AKIA1',
        secretAccessKey: SECRET,
        certificate: 'PEM',
      },
    };

    for (const connection of await readsOf(aws)) {
      expect(connection.configuration).toMatchObject({
        region: 'eu-west-1',
        accessKeyId: MASK,
        secretAccessKey: MASK,
        certificate: MASK,
      });
    }
  });

  it('does not mask an AWS-named field on the HTTP connector', async () => {
    const [created] = await readsOf(httpIot({ accessKeyId: 'AKIA1' }));

    expect(created.configuration.accessKeyId).toBe('AKIA1');
  });

  it('masks a connector the table does not know like the HTTP connector', async () => {
    const [created] = await readsOf(qubitroConnection());

    expect(created.configuration.headers).toMatchObject({
      webhookSigningKey: MASK,
      projectId: expect.any(String),
    });
  });

  it.each([
    ['Authorization', true],
    ['proxy-authorization', true],
    ['X-API-Key', true],
    ['api_key', true],
    ['X-Auth-Token', true],
    ['client-secret', true],
    ['webhookSigningKey', true],
    ['projectId', false],
    ['Content-Type', false],
    ['X-Request-Id', false],
  ])('treats the header %s as a credential: %s', (header, secret) => {
    expect(isCredentialHeader(header)).toBe(secret);
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

  it('logs a connection body with each masked value replaced by its sha256 fingerprint', async () => {
    await t.api('POST', '/connections', qubitroConnection());

    const [, post] = t.emulator.requests();

    expect(post.body).toMatchObject({
      configuration: { headers: { webhookSigningKey: fingerprint(SIGNING_KEY) } },
    });
    expect(fingerprint(SIGNING_KEY)).toMatch(/^sha256:[0-9a-f]{12}$/);
  });
});
