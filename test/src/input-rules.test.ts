/**
 * The input rules shared with the provider: provider/internal/client/testdata/input-rules.json is run here
 * through the TypeScript rules and, by `go test`, through the provider's own validation. A case either layer
 * decides differently fails that layer's test, so the two cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLoopbackHost } from '../../src/loopback';
import { qubitroConnectionSchema } from '../../src/schema/qubitro';
import { apiUrl } from '../../src/schema/rules';

interface InputRules {
  apiUrls: { url: string; ok: boolean; why?: string }[];
  loopbackHosts: { host: string; loopback: boolean }[];
  names: { name: string; ok: boolean; why?: string }[];
}

const rules = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../provider/internal/client/testdata/input-rules.json'), 'utf8'),
) as InputRules;

describe('the input rules shared with the provider', () => {
  const baseUrl = apiUrl('baseUrl', 'https://community.thingpark.io/iot-flow/v1');

  it.each(rules.apiUrls.map((c) => [c.url, c.ok] as const))('API URL %s accepted: %s', (url, ok) => {
    expect(baseUrl.safeParse(url).success).toBe(ok);
  });

  it.each(rules.loopbackHosts.map((c) => [c.host, c.loopback] as const))(
    'host %s is loopback: %s',
    (host, loopback) => {
      expect(isLoopbackHost(host)).toBe(loopback);
    },
  );

  // The title shows why (or the name as JSON): a raw control or bidi character would garble the report.
  it.each(rules.names.map((c) => [c.why ?? JSON.stringify(c.name), c.ok, c.name] as const))(
    'connection name %s accepted: %s',
    (_why, ok, name) => {
      expect(qubitroConnectionSchema.shape.name.safeParse(name).success).toBe(ok);
    },
  );
});
