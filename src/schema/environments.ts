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
import { commonConfigurationSchema, connectionSchema } from './connection';
import { connectionSchemaOf } from '../presets/preset-connection';
import type { PresetDefinition, PresetSecret } from '../presets/definition';
import { QUBITRO } from '../presets/qubitro';
import { DOWNLINK_AS_KEY, PRESETS, presetOfKind } from '../presets/registry';
import { backendSchema } from './backend';
import { connectionIdSchema, mapping, plainText, rule, variableName } from './rules';

export { connectionIdSchema } from './rules';

/** The default signing key variable of a (environment, project) stack, e.g. `prod_farm_sensors_signing_key`. */
export function defaultSigningKeyVariable(environment: string, project: string): string {
  return defaultSecretVariable(environment, project, QUBITRO.secrets[0]);
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

/** The YAML key naming a secret's variable, from its suffix: `signing_key` → `signingKeyVariable`. */
export function secretVariableKey(secret: PresetSecret): string {
  return `${secret.variableSuffix.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Variable`;
}

/** The default variable of a secret in a (environment, project) stack: `<env>_<project>_<suffix>`. */
export function defaultSecretVariable(environment: string, project: string, secret: PresetSecret): string {
  return `${environment}_${project}_${secret.variableSuffix}`.replace(/-/g, '_');
}

/** A field's own rule from the preset's construct schema (e.g. Qubitro's projectId: a UUID). */
function fieldRule(definition: PresetDefinition, prop: string): z.ZodType {
  return connectionSchemaOf(definition).shape[prop] as z.ZodType;
}

/**
 * The schema of a project of one preset, built from its definition and its construct's rules: the preset's
 * fields (e.g. Qubitro's projectId) on the project, per environment and per connection, and one `…Variable`
 * per secret naming the variable that holds it.
 */
function projectSchemaOf(definition: PresetDefinition) {
  const propsSchema = connectionSchemaOf(definition);
  const notInFile = [...definition.secrets.map((s) => s.prop), DOWNLINK_AS_KEY.path];
  /** What a connection may set: the construct's rules, without the secrets and what the stack provides. */
  const connectionOptionsShape = {
    ...propsSchema.omit(Object.fromEntries(notInFile.map((k) => [k, true])) as never).shape,
    ...Object.fromEntries(
      definition.fields.map((f) => [
        f.prop,
        fieldRule(definition, f.prop)
          .optional()
          .meta({
            description: `Overrides the project's ${definition.title} ${f.prop} for this connection.`,
          }),
      ]),
    ),
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

  const variable = (s: PresetSecret, example: string) =>
    variableName(`the project's ${s.about ?? s.label}`, `${example}_${s.variableSuffix}`);
  const projectEnvironmentSchema = z
    .strictObject(
      {
        ...Object.fromEntries(
          definition.fields.map((f) => [f.prop, fieldRule(definition, f.prop).optional()]),
        ),
        ...Object.fromEntries(
          definition.secrets.map((s) => [secretVariableKey(s), variable(s, 'prod_farm').optional()]),
        ),
      },
      mapping('project settings', `${definition.fields[0]?.prop ?? 'name'}: …`),
    )
    .meta({
      description: 'Settings of this project in one environment. Listing an environment keeps its stack.',
    });

  const isDefault = definition.kind === DEFAULT_KIND;
  const kind = z.literal(definition.kind);
  return z.strictObject(
    {
      key: projectKeySchema,
      kind: isDefault
        ? kind.optional().meta({ description: `The preset of its connections; default ${DEFAULT_KIND}.` })
        : kind.meta({ description: `The preset of its connections: ${definition.title}.` }),
      ...Object.fromEntries(
        definition.fields.map((f) => [
          f.prop,
          fieldRule(definition, f.prop).meta({
            description: `The ${definition.title} ${f.prop}${f.format === 'uuid' ? ' (a UUID)' : ''}.`,
          }),
        ]),
      ),
      ...Object.fromEntries(
        definition.secrets.map((s) => [
          secretVariableKey(s),
          variable(s, 'farm')
            .optional()
            .meta({ description: `Default: <env>_<key>_${s.variableSuffix}, hyphens as underscores.` }),
        ]),
      ),
      environments: z
        .record(
          environmentKeySchema,
          projectEnvironmentSchema,
          rule('a map of environment keys', 'write e.g. prod: {}'),
        )
        .optional(),
      connections: z
        .array(connectionEntrySchema, rule('a list of connections', 'write connections as a YAML list'))
        .meta({ description: 'The connections of this project, each promoted to some environments.' }),
    },
    mapping('a project', `key: farm, kind: ${definition.kind}, connections: […]`),
  );
}

/** The kind of a project that names none: the YAML of 0.1 has Qubitro projects only. */
const DEFAULT_KIND = QUBITRO.kind;

/** The preset of a project whose shape the schema accepted (its kind, or the default). */
export function presetOfProject(project: { readonly kind?: string }): PresetDefinition {
  return presetOfKind(project.kind ?? DEFAULT_KIND)!;
}

const KINDS = PRESETS.map((p) => p.kind);

const projectSchema = z.discriminatedUnion(
  'kind',
  PRESETS.map(projectSchemaOf) as unknown as [ReturnType<typeof projectSchemaOf>],
  {
    // A project that is not a mapping is refused by the union too, before its kind is read.
    error: (issue) =>
      ((issue as { code: string }).code === 'invalid_type'
        ? mapping('a project', 'key: farm, projectId: …, connections: […]')
        : rule(
            `a kind among ${KINDS.join(', ')} (default ${DEFAULT_KIND})`,
            'correct the kind, e.g. kind: tago, or leave it out for a Qubitro project',
          )
      ).error,
  },
);

const configSchema = z
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
    title: 'IoT Flow connections per environment',
    description:
      'Environments and projects (Qubitro, or another preset by kind) for cdktf-thingpark-qubitro. Holds ' +
      'variable names, never secrets. ' +
      'Cross-references (promoteTo, overrides, unique keys and names) are checked by the loader.',
  });

/** The options a connection of any preset takes; its preset's own (projectId, destinationUrl, …) by name. */
type ConnectionOptions = Omit<z.infer<typeof commonConfigurationSchema>, 'downlinkAsKey'> & {
  name: string;
  active?: boolean;
  alarms?: z.infer<typeof connectionSchema>['alarms'];
  [presetProp: string]: unknown;
};
export type ConnectionOverrides = Partial<ConnectionOptions> & { importFrom?: string };
export type ConnectionConfig = ConnectionOptions & {
  id: string;
  promoteTo: string[];
  overrides?: Record<string, ConnectionOverrides>;
};
/** A project: its preset's fields (e.g. projectId) and secret variables (e.g. signingKeyVariable) by name. */
export type ProjectConfig = {
  key: string;
  kind?: string;
  environments?: Record<string, Record<string, string | undefined>>;
  connections: ConnectionConfig[];
  [fieldOrVariable: string]: unknown;
};
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type EnvironmentsConfig = Omit<z.infer<typeof configSchema>, 'projects'> & {
  projects: ProjectConfig[];
};
export type { BackendConfig } from './backend';

/**
 * The schema of the whole file. Its projects are a union by `kind` built from the presets' list, so their
 * static type is written out above (a preset's fields and variables are known at run time only).
 */
export const environmentsConfigSchema: z.ZodType<EnvironmentsConfig, unknown> = configSchema as never;

/** The JSON Schema for editors (`schema/environments.schema.json`), generated from the zod schema. */
export function environmentsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(environmentsConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}
