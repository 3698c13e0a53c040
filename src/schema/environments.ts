/**
 * The environments config: environments (one ThingPark endpoint and state backend each) and Qubitro projects
 * whose connections are promoted from one environment to the next. This one zod schema is the source of
 * the YAML loader's checks, the types of `addEnvironmentStacks` and `schema/environments.schema.json`.
 * It is built from the constructs' own rules (`apiSchema`, `qubitroConnectionSchema`, `connectionSchema`),
 * so a file that passes it builds stacks the constructs accept. Secret VALUES never appear in it: only the
 * names of the sensitive variables (`TF_VAR_<name>`) that hold them.
 */
import { z } from 'zod';
import { apiSchema } from './api';
import { connectionSchema } from './connection';
import { qubitroConnectionSchema } from './qubitro';
import { backendSchema } from './backend';
import { connectionIdSchema, mapping, plainText, rule, variableName } from './rules';

export { connectionIdSchema } from './rules';

/** The default signing key variable of a (environment, project) stack, e.g. `prod_farm_sensors_signing_key`. */
export function defaultSigningKeyVariable(environment: string, project: string): string {
  return `${environment}_${project}_signing_key`.replace(/-/g, '_');
}

/** Key rule shared by environment and project keys: they make stack names `<env>-<project>`. */
function stackPart(what: string, example: string, max: number) {
  return z
    .string(rule(`a ${what} key`, `write the ${what} key as text, e.g. ${example}`))
    .max(max, rule(`at most ${max} characters`, `shorten the ${what} key`))
    .regex(
      /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
      rule(
        'lower-case letters, digits and single hyphens, starting with a letter (it is part of stack names)',
        `rename it, e.g. ${example}`,
      ),
    );
}

const environmentKeySchema = stackPart('environment', 'prod', 32).meta({
  description: 'An environment key, e.g. dev, staging or prod: the first part of the stack names.',
});
const projectKeySchema = stackPart('project', 'farm-sensors', 48).meta({
  description: 'The project key, unique in the file: the second part of its stack names `<env>-<key>`.',
});

/**
 * Makes every object inside `schema` strict (unknown keys are errors, so typos are caught), keeping its
 * rules and messages. Used for the reused construct schemas, whose objects ignore unknown keys.
 */
function strictDeep<T extends z.ZodType>(schema: T): T {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const copy = (patch: Record<string, unknown>) => schema.clone({ ...def, ...patch } as T['_zod']['def']);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const strictShape = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, strictDeep(v)]));
      return copy({ shape: strictShape, catchall: z.never() });
    }
    case 'optional':
      return copy({ innerType: strictDeep(def.innerType as z.ZodType) });
    case 'array':
      return copy({ element: strictDeep(def.element as z.ZodType) });
    default:
      return schema;
  }
}

const text = (field: string) => plainText(field, 1024);

const environmentSchema = z
  .strictObject(
    {
      baseUrl: apiSchema.shape.baseUrl.meta({ description: 'The IoT Flow API of this environment.' }),
      clientId: apiSchema.shape.clientId.meta({ description: 'OAuth2 client id of the service account.' }),
      clientSecretVariable: variableName(
        'the ThingPark client secret',
        'prod_thingpark_client_secret',
      ).optional(),
      bearerTokenVariable: variableName('a ThingPark bearer token', 'prod_thingpark_token').optional(),
      tokenUrl: apiSchema.shape.tokenUrl,
      maxRetries: apiSchema.shape.maxRetries,
      backend: backendSchema.optional(),
      encryptionPassphraseVariable: variableName('the state encryption passphrase', 'prod_state_passphrase')
        .optional()
        .meta({
          description:
            "Encrypt this environment's states and saved plans (OpenTofu: PBKDF2 + AES-GCM), the passphrase " +
            'from TF_VAR_<name>. An unencrypted state is migrated on the next apply.',
        }),
    },
    mapping('an environment', 'baseUrl: …, clientId: …, clientSecretVariable: …'),
  )
  .meta({
    description:
      'One ThingPark endpoint: clientId with clientSecretVariable, or bearerTokenVariable alone. ' +
      'Default backend: local, terraform.<stack>.tfstate under stateDir.',
  });

/** What a connection may set: the QubitroConnection rules, without the secrets and what the stack provides. */
const connectionOptionsShape = {
  ...qubitroConnectionSchema.omit({ webhookSigningKey: true, downlinkAsKey: true }).shape,
  projectId: qubitroConnectionSchema.shape.projectId
    .optional()
    .meta({ description: "Overrides the project's Qubitro project id for this connection." }),
  alarms: strictDeep(connectionSchema.shape.alarms),
};

const optionOverridesSchema = z
  .strictObject(
    {
      ...z.object(connectionOptionsShape).partial().shape,
      importFrom: connectionSchema.shape.importFrom.meta({
        description: 'Adopt the existing connection with this id in this environment.',
      }),
    },
    mapping('connection options', 'reconnectStrategy: CALM'),
  )
  .meta({ description: 'Options that differ in this environment.' });

const connectionEntrySchema = z.strictObject(
  {
    id: connectionIdSchema,
    ...connectionOptionsShape,
    promoteTo: z
      .array(environmentKeySchema, rule('a list of environment keys', 'write e.g. [dev, staging]'))
      .min(1, rule('at least one environment', 'list the environments it is deployed to, e.g. [dev]'))
      .meta({ description: 'The environments this connection is deployed to. Add one to promote it.' }),
    overrides: z
      .record(
        environmentKeySchema,
        optionOverridesSchema,
        rule('a map of environment keys', 'write e.g. prod: {}'),
      )
      .optional()
      .meta({ description: 'Per-environment options, e.g. prod: { reconnectStrategy: CALM }.' }),
  },
  mapping('a connection', 'id: Uplinks, name: …, promoteTo: [dev]'),
);

const projectEnvironmentSchema = z
  .strictObject(
    {
      projectId: qubitroConnectionSchema.shape.projectId.optional(),
      signingKeyVariable: variableName(
        "the project's webhook signing key",
        'prod_farm_signing_key',
      ).optional(),
    },
    mapping('project settings', 'projectId: …'),
  )
  .meta({
    description: 'Settings of this project in one environment. Listing an environment keeps its stack.',
  });

const projectSchema = z.strictObject(
  {
    key: projectKeySchema,
    projectId: qubitroConnectionSchema.shape.projectId.meta({
      description: 'The Qubitro project id (a UUID).',
    }),
    signingKeyVariable: variableName("the project's webhook signing key", 'farm_signing_key')
      .optional()
      .meta({ description: 'Default: <env>_<key>_signing_key, hyphens as underscores.' }),
    environments: z
      .record(
        environmentKeySchema,
        projectEnvironmentSchema,
        rule('a map of environment keys', 'write e.g. prod: {}'),
      )
      .optional(),
    connections: z
      .array(connectionEntrySchema, rule('a list of connections', 'write connections as a YAML list'))
      .meta({ description: 'The connections to this project, each promoted to some environments.' }),
  },
  mapping('a project', 'key: farm, projectId: …, connections: […]'),
);

export const environmentsConfigSchema = z
  .strictObject(
    {
      $schema: z.string().optional(),
      stateDir: text('stateDir')
        .optional()
        .meta({ description: 'Folder of local state files, relative to this file. Default: its folder.' }),
      environments: z
        .record(
          environmentKeySchema,
          environmentSchema,
          rule('a map of environments', 'write e.g. dev: {...}'),
        )
        .refine((e) => Object.keys(e).length > 0, rule('at least one environment', 'declare e.g. dev')),
      projects: z
        .array(projectSchema, rule('a list of projects', 'write projects as a YAML list'))
        .min(1, rule('at least one project', 'declare a project with its connections')),
    },
    mapping('an environments config', 'environments: … and projects: …'),
  )
  .meta({
    title: 'Qubitro connections per environment',
    description:
      'Environments and Qubitro projects for cdktf-thingpark-qubitro. Holds variable names, never secrets. ' +
      'Cross-references (promoteTo, overrides, unique keys and names) are checked by the loader.',
  });

export type EnvironmentsConfig = z.infer<typeof environmentsConfigSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type { BackendConfig } from './backend';
export type ProjectConfig = EnvironmentsConfig['projects'][number];
export type ConnectionConfig = ProjectConfig['connections'][number];
export type ConnectionOverrides = z.infer<typeof optionOverridesSchema>;

/** The JSON Schema for editors (`schema/environments.schema.json`), generated from the zod schema. */
export function environmentsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(environmentsConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}
