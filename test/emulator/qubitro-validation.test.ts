import { httpConnection, qubitroConnection, useEmulator } from '../support/emulator-client';

describe('emulator QUBITRO validation', () => {
  const t = useEmulator({ settleMs: 0 });

  it('accepts a valid Qubitro connection', async () => {
    const res = await t.api('POST', '/connections', qubitroConnection());

    expect(res.status).toBe(201);
  });

  it.each([
    ['a projectId that is not a UUID', { projectId: 'project-1' }, 'configuration.headers.projectId'],
    ['an empty webhookSigningKey', { webhookSigningKey: '' }, 'configuration.headers.webhookSigningKey'],
    [
      'a missing webhookSigningKey',
      { webhookSigningKey: undefined },
      'configuration.headers.webhookSigningKey',
    ],
  ])('rejects %s with 400 naming the field', async (_case, headers, field) => {
    const res = await t.api('POST', '/connections', qubitroConnection(headers));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('com-4000');
    expect(res.body.message).toContain(field);
  });

  it('rejects a destinationURL that is not https with 400 naming the field', async () => {
    const body = qubitroConnection();
    (body.configuration as Record<string, unknown>).destinationURL = 'http://webhook.qubitro.com';

    const res = await t.api('POST', '/connections', body);

    expect(res.status).toBe(400);
    expect(res.body.message).toContain('configuration.destinationURL');
  });

  it('applies the Qubitro rules to PUT as well', async () => {
    const created = await t.api('POST', '/connections', qubitroConnection());

    const res = await t.api(
      'PUT',
      `/connections/${created.body.id}`,
      qubitroConnection({ projectId: 'nope' }),
    );

    expect(res.status).toBe(400);
    expect(res.body.message).toContain('configuration.headers.projectId');
  });

  it('does not apply the Qubitro rules to other brands', async () => {
    const res = await t.api(
      'POST',
      '/connections',
      httpConnection({ configuration: { destinationURL: 'http://x' } }),
    );

    expect(res.status).toBe(201);
  });
});
