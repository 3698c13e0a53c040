/**
 * The state backend of a stack, in the environments YAML and in QubitroProjectStackProps: `pg` keeps each
 * stack in a Postgres schema of its own, its connection string only ever from PG_CONN_STR.
 */
import * as fs from 'node:fs';
import { App, Testing } from 'cdktf';
import { QubitroProjectStack, QubitroProjectStackProps, ValidationError } from '../../src';
import { baseConfig, configError, FARM_PROJECT, FILE, synthesize } from './environments/fixture';

const CONN_STR = 'postgres://deployer:pg-pass-8c1f4e@db.internal:5432/state';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

function backendsOf(config: unknown): Record<string, unknown> {
  const { outdir, stacks } = synthesize(config);
  outdirs.push(outdir);
  return Object.fromEntries(Object.entries(stacks).map(([name, tf]) => [name, tf.terraform.backend]));
}

const withPg = (pg: Record<string, unknown>) => {
  const config = baseConfig();
  for (const env of Object.values(config.environments) as Record<string, unknown>[]) env.backend = { pg };
  return config;
};

describe('pg in the environments YAML', () => {
  it('gives every stack its own schema, named after the stack with _ for -, and no connection string', () => {
    expect(backendsOf(withPg({}))).toEqual({
      'dev-farm': { pg: { schema_name: 'dev_farm' } },
      'dev-fleet': { pg: { schema_name: 'dev_fleet' } },
      'prod-farm': { pg: { schema_name: 'prod_farm' } },
    });
  });

  it('fills the placeholders of schemaName with identifiers', () => {
    const config = withPg({ schemaName: 'qubitro_{env}_{project}' });
    config.projects[0].key = 'farm-north';
    expect(backendsOf(config)['prod-farm-north']).toEqual({ pg: { schema_name: 'qubitro_prod_farm_north' } });
  });

  it('shortens a filled-in name over 63 bytes with a hash, so two long stack names keep two schemas', () => {
    const config = withPg({ schemaName: 'a_very_long_prefix_for_the_state_of_{stack}' });
    config.projects[0].key = 'farm-sensors-of-the-northern-fields-a';
    config.projects[1].key = 'farm-sensors-of-the-northern-fields-b';
    config.projects[1].connections[0].promoteTo = ['prod'];
    const names = Object.values(backendsOf(config)).map((b) => (b as any).pg.schema_name as string);
    expect(names.every((n) => n.length <= 63 && /^[a-z_][a-z0-9_]*$/.test(n))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ['a schema every stack would share', { schemaName: 'qubitro_state' }, 'make it unique per stack'],
    [
      'a name that needs quoting',
      { schemaName: 'Qubitro-{stack}' },
      'rename it, e.g. qubitro_{env}_{project}',
    ],
    ['a name Postgres reserves', { schemaName: 'pg_{stack}' }, 'rename it'],
  ])('refuses %s with the path, the value and a fix', (_, pg, fix) => {
    const err = configError(withPg(pg));
    expect(err.message).toContain(`${FILE}:`);
    expect(err.message).toContain(
      `invalid environments.dev.backend.pg.schemaName: received ${JSON.stringify(pg.schemaName)}`,
    );
    expect(err.message).toContain(fix);
  });

  it.each(['connStr', 'conn_str', 'connectionString', 'password'])(
    'refuses a connection string under %s without showing it, pointing to PG_CONN_STR',
    (key) => {
      const err = configError(withPg({ [key]: CONN_STR }));
      expect(err.message).toContain(`invalid environments.dev.backend.pg.${key}: received (redacted)`);
      expect(err.message).toContain('PG_CONN_STR');
      expect(err.message).not.toContain('pg-pass-8c1f4e');
      expect(JSON.stringify(err.problems)).not.toContain('pg-pass-8c1f4e');
    },
  );

  it('refuses pg beside another backend kind', () => {
    const config = baseConfig();
    config.environments.prod.backend = { pg: {}, local: {} };
    expect(configError(config).message).toContain('exactly one of local, s3, remote, pg');
  });
});

describe('QubitroProjectStackProps.backend', () => {
  const props = (backend: unknown): QubitroProjectStackProps => ({
    baseUrl: 'https://community.thingpark.io/iot-flow/v1',
    clientId: 'farm-ops',
    projectId: FARM_PROJECT,
    connections: [],
    backend: backend as QubitroProjectStackProps['backend'],
  });
  const backendOf = (id: string, backend: unknown) => {
    const stack = new QubitroProjectStack(Testing.app(), id, props(backend));
    return JSON.parse(Testing.synth(stack)).terraform.backend;
  };

  it('takes the same shape as the YAML, pg defaulting to a schema named after the stack', () => {
    expect(backendOf('prod-farm', { pg: {} })).toEqual({ pg: { schema_name: 'prod_farm' } });
    expect(backendOf('farm', { pg: { schemaName: 'qubitro_{stack}' } })).toEqual({
      pg: { schema_name: 'qubitro_farm' },
    });
    expect(backendOf('farm', { local: {} })).toEqual({ local: { path: 'terraform.farm.tfstate' } });
  });

  it('refuses a connection string in the props without showing it', () => {
    let err: unknown;
    try {
      new QubitroProjectStack(new App(), 'prod-farm', props({ pg: { connStr: CONN_STR } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain('prod-farm: invalid backend.pg.connStr: received (redacted)');
    expect(JSON.stringify(err)).not.toContain('pg-pass-8c1f4e');
    expect((err as Error).message).not.toContain('pg-pass-8c1f4e');
  });

  it('refuses the YAML-only placeholders, which a stack cannot fill', () => {
    expect(
      () => new QubitroProjectStack(new App(), 'farm', props({ pg: { schemaName: 's_{env}' } })),
    ).toThrow(/backend\.pg\.schemaName: received "s_\{env\}"; allowed: only the placeholders \{stack\}/);
  });
});
