import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentsJsonSchema } from '../../../src';
import { PRESETS } from '../../../src/presets/registry';
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
    const projects = schema.properties.projects.items.oneOf;
    expect(projects.map((p: any) => p.additionalProperties)).toEqual(projects.map(() => false));
    expect(projects.map((p: any) => p.properties.connections.items.additionalProperties)).toEqual(
      projects.map(() => false),
    );
  });

  it('has one project shape per preset, told apart by kind, qubitro when it is left out', () => {
    const projects = committed().properties.projects.items.oneOf;
    expect(projects.map((p: any) => p.properties.kind.const)).toEqual(PRESETS.map((p) => p.kind));
    expect(projects.filter((p: any) => !p.required.includes('kind'))).toEqual([
      expect.objectContaining({ properties: expect.objectContaining({ projectId: expect.anything() }) }),
    ]);
    expect(projects[0].properties.kind.const).toBe('qubitro');
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
