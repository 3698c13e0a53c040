/**
 * Writes schema/environments.schema.json, the JSON Schema of the environments config for editors, from the
 * zod schema in src/schema/environments.ts (`npm run schema`). A test fails when the committed file is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'prettier';
import { environmentsJsonSchema } from '../src/schema/environments';

export const SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'environments.schema.json');

async function main(): Promise<void> {
  const text = await format(JSON.stringify(environmentsJsonSchema()), { parser: 'json', printWidth: 110 });
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`schema: ${err.message}\n`);
  process.exit(1);
});
