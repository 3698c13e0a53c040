/**
 * The emulator knows every preset from the library's one list: GET /connectors shows a schema per brand,
 * POST and PUT enforce it (an unknown key is a 400 naming it), and reads mask each brand's secrets.
 */
import { MASK } from '../../emulator';
import type { PresetDefinition } from '../../src/presets/definition';
import { PRESETS } from '../../src/presets/registry';
import { PROJECT_ID, useEmulator } from '../support/emulator-client';

const SECRET = 'raw-secret-value-1234';

/** A body of the brand as its docs write it: documented URL, its fields, each secret where it goes. */
function brandBody(d: PresetDefinition): Record<string, any> {
  const headers: Record<string, string> = {};
  const configuration: Record<string, unknown> = {};
  let url = d.destination && (d.destination.default ?? `https://gear.cloud.studio${d.destination.path}`);
  for (const f of d.fields) {
    const value = f.format === 'uuid' ? PROJECT_ID : 'user@example.com';
    if ('header' in f.placement) headers[f.placement.header] = value;
    else configuration[f.placement.field] = value;
  }
  for (const s of d.secrets) {
    if ('header' in s.placement) headers[s.placement.header] = `${s.placement.prefix ?? ''}${SECRET}`;
    else if ('field' in s.placement) configuration[s.placement.field] = SECRET;
    else url = `${url}${url!.includes('?') ? '&' : '?'}${s.placement.queryParameter}=${SECRET}`;
  }
  return {
    name: `to-${d.kind}`,
    connectorId: d.connectorId,
    brand: d.brand,
    configuration: {
      ...(url ? { destinationURL: url } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...configuration,
    },
  };
}

const BRANDS = PRESETS.map((d) => [d.brand, d] as const);
const WITH_HOSTS = PRESETS.filter((d) => d.destination?.hosts).map((d) => [d.brand, d] as const);
const WITH_SECRETS = PRESETS.filter((d) => d.secrets.length).map((d) => [d.brand, d] as const);

describe('emulator brands', () => {
  const t = useEmulator({ settleMs: 0 });

  it('lists every preset brand under the HTTP connector, each schema refusing unknown keys', async () => {
    const res = await t.api('GET', '/connectors/actility-http-iot');

    const brands = res.body.brands as { brand: string; connection: { configurationSchema: any } }[];
    expect(brands.map((b) => b.brand)).toEqual(PRESETS.map((d) => d.brand));
    for (const b of brands) expect(b.connection.configurationSchema.additionalProperties).toBe(false);
  });

  it.each(BRANDS)('accepts a %s connection as its docs write it', async (_brand, d) => {
    const res = await t.api('POST', '/connections', brandBody(d));

    expect(res.status).toBe(201);
  });

  it.each(BRANDS)('refuses a %s configuration key the connector does not take, naming it', async (_b, d) => {
    const body = brandBody(d);
    body.configuration.lrcCompliance = true;

    const res = await t.api('POST', '/connections', body);

    expect(res.status).toBe(400);
    expect(res.body.message).toContain('configuration.lrcCompliance');
  });

  it.each(WITH_HOSTS)('refuses a %s destination on another host', async (_b, d) => {
    const body = brandBody(d);
    body.configuration.destinationURL = body.configuration.destinationURL.replace(
      /^https:\/\/[^/?]+/,
      'https://elsewhere.example',
    );

    const res = await t.api('POST', '/connections', body);

    expect(res.status).toBe(400);
    expect(res.body.message).toContain('configuration.destinationURL');
  });

  it.each(WITH_SECRETS)('refuses a %s connection without its credential, also on PUT', async (_b, d) => {
    const created = await t.api('POST', '/connections', brandBody(d));
    const body = brandBody(d);
    const s = d.secrets[0].placement;
    if ('header' in s) delete body.configuration.headers[s.header];
    else if ('field' in s) delete body.configuration[s.field];
    else body.configuration.destinationURL = body.configuration.destinationURL.replace(/[?&][^?&]*$/, '');

    const post = await t.api('POST', '/connections', body);
    const put = await t.api('PUT', `/connections/${created.body.id}`, body);

    expect([post.status, put.status]).toEqual([400, 400]);
    expect(post.body.message).toMatch(/configuration\.(headers\.|destinationURL|password)/);
  });

  it.each(WITH_SECRETS)(
    'masks the %s secret in the create answer, reads and the request log',
    async (_b, d) => {
      const created = await t.api('POST', '/connections', brandBody(d));
      const one = await t.api('GET', `/connections/${created.body.id}`);
      const list = await t.api('GET', '/connections');

      for (const read of [created.body, one.body, list.body.at(-1)]) {
        expect(JSON.stringify(read)).not.toContain(SECRET);
        expect(JSON.stringify(read)).toContain(MASK);
      }
      const logged = JSON.stringify(t.emulator.requests().at(-3)?.body);
      expect(logged).not.toContain(SECRET);
      expect(logged).toMatch(/sha256:[0-9a-f]{12}/);
    },
  );

  it('masks only the secret parameter of a TAGO URL, keeping the rest as sent', async () => {
    const tago = PRESETS.find((d) => d.brand === 'TAGO')!;

    const created = await t.api('POST', '/connections', brandBody(tago));

    expect(created.body.configuration.destinationURL).toBe(
      `https://actility.middleware.tago.io/uplink?authorization=${MASK}`,
    );
  });

  it('refuses a brand the HTTP connector does not have', async () => {
    const res = await t.api('POST', '/connections', { ...brandBody(PRESETS[1]), brand: 'AKENZA' });

    expect(res.status).toBe(400);
    expect(res.body.message).toContain('AKENZA');
  });
});
