import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentsJsonSchema } from '../../../src';
import { EXAMPLE_FILE } from './fixture';

const SCHEMA_FILE = path.resolve(__dirname, '../../../schema/environments.schema.json');

const committed = (): any => JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));

describe('schema/environments.schema.json', () => {
  it('is what the zod schema generates (run `npm run schema` when this fails)', () => {
    expect(committed()).toEqual(environmentsJsonSchema());
  });

  it('refuses unknown keys, so an editor flags a typo', () => {
    const schema = committed();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.environments.additionalProperties.additionalProperties).toBe(false);
    expect(schema.properties.projects.items.properties.connections.items.additionalProperties).toBe(false);
  });

  it('holds no property for a secret value, only variable names', () => {
    const keys = JSON.stringify(committed()).match(/"[A-Za-z]+":\{/g) ?? [];
    const secretish = keys.filter(
      (k) => /secret|token|signingkey|askey/i.test(k) && !/Variable|tokenUrl/.test(k),
    );
    expect(secretish).toEqual([]);
  });

  it('is the schema the example file declares for editors', () => {
    const modeline = fs.readFileSync(EXAMPLE_FILE, 'utf8').split('\n')[0];
    const [, ref] = /\$schema=(\S+)/.exec(modeline) ?? [];
    expect(path.resolve(path.dirname(EXAMPLE_FILE), ref)).toBe(SCHEMA_FILE);
  });
});
