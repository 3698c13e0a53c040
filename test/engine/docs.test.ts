/** provider/docs/ is what tfplugindocs renders from the provider's current schema and provider/examples/. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDocs, PROVIDER_DIR, providerSchema, readTree } from '../../tooling/docs';
import { requireEngine } from '../support/engine';

type Block = {
  attributes?: Record<string, { description?: string }>;
  block_types?: Record<string, { block: Block }>;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-docs-test-'));
let schema: Record<string, any>;

beforeAll(() => {
  schema = providerSchema(requireEngine());
}, 300_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('provider/docs is up to date with the schema and the examples (else: npm run docs)', () => {
  fs.cpSync(path.join(PROVIDER_DIR, 'examples'), path.join(tmp, 'examples'), { recursive: true });
  const fresh = readTree(generateDocs(schema, tmp));
  expect(Object.keys(fresh).sort()).toEqual([
    'data-sources/connections.md',
    'index.md',
    'resources/connection.md',
  ]);
  expect(readTree(path.join(PROVIDER_DIR, 'docs'))).toEqual(fresh);
}, 300_000);

test('every attribute the docs list has a description in the schema', () => {
  const [provider] = Object.values(schema.provider_schemas) as Record<string, any>[];
  const undescribed = (block: Block, where: string): string[] => [
    ...Object.entries(block.attributes ?? {})
      .filter(([, a]) => !a.description)
      .map(([name]) => `${where}.${name}`),
    ...Object.entries(block.block_types ?? {}).flatMap(([name, b]) =>
      undescribed(b.block, `${where}.${name}`),
    ),
  ];
  expect([
    ...undescribed(provider.provider.block, 'provider'),
    ...Object.entries(provider.resource_schemas).flatMap(([n, s]: [string, any]) => undescribed(s.block, n)),
    ...Object.entries(provider.data_source_schemas).flatMap(([n, s]: [string, any]) =>
      undescribed(s.block, n),
    ),
  ]).toEqual([]);
});
