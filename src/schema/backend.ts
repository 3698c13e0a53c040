/**
 * Where a stack keeps its state: exactly one of `local`, `s3`, `remote` or `pg`, the same shape in the
 * environments YAML and in `QubitroProjectStackProps.backend`. Credentials never appear here: S3 takes them
 * from the AWS environment, remote from `tofu login`, and pg its connection string from `PG_CONN_STR`.
 */
import { z } from 'zod';
import { apiSchema } from './api';
import { mapping, plainText, rule } from './rules';

/** The placeholders a backend setting may use in the environments YAML; each stack fills in its own. */
const FILE_PLACEHOLDERS = ['{stack}', '{env}', '{project}'] as const;
/** A stack built in code knows only its own name. */
const STACK_PLACEHOLDERS = ['{stack}'] as const;

type Scope = 'file' | 'stack';
const placeholdersOf = (scope: Scope): readonly string[] =>
  scope === 'file' ? FILE_PLACEHOLDERS : STACK_PLACEHOLDERS;

const placeholdersIn = (v: string) => v.match(/\{[^}]*\}/g) ?? [];

const knownPlaceholders = (scope: Scope) =>
  rule(
    `only the placeholders ${placeholdersOf(scope).join(', ')}`,
    scope === 'file'
      ? 'fix the placeholder spelling'
      : 'write {stack}, or the value itself ({env} and {project} are filled in by the environments YAML only)',
  );

/** In the YAML a state location must name the stack, or all the stacks of an environment would share one. */
const namesTheStack = (example: string) =>
  rule(
    'a location with the {stack} placeholder (or both {env} and {project})',
    `make it unique per stack, e.g. ${example}: otherwise every stack would share one state`,
  );

function stateLocation(scope: Scope, field: string, example: string) {
  const text = plainText(field, 1024).refine(
    (v) => placeholdersIn(v).every((p) => placeholdersOf(scope).includes(p)),
    knownPlaceholders(scope),
  );
  return scope === 'stack'
    ? text
    : text.refine(
        (v) => v.includes('{stack}') || (v.includes('{env}') && v.includes('{project}')),
        namesTheStack(example),
      );
}

/**
 * A Postgres schema name: a lower-case identifier that needs no quoting (placeholders are filled in with
 * `_` for `-`), and not `pg_…`, which Postgres reserves. A filled-in name over 63 bytes is shortened with a
 * hash (Postgres would silently truncate it, so two long stack names could share a schema).
 */
function pgSchemaName(scope: Scope) {
  const example = scope === 'file' ? 'qubitro_{env}_{project}' : 'qubitro_{stack}';
  const bare = (v: string) => v.replace(/\{[^}]*\}/g, 'x');
  return stateLocation(scope, 'schemaName', example)
    .refine(
      (v) => /^[a-z_][a-z0-9_]*$/.test(bare(v)),
      rule(
        'a Postgres identifier: lower-case letters, digits and _, not starting with a digit (placeholders allowed)',
        `rename it, e.g. ${example}`,
      ),
    )
    .refine(
      (v) => !bare(v).startsWith('pg_'),
      rule('a name not starting with pg_ (Postgres reserves those)', `rename it, e.g. ${example}`),
    );
}

const text = (field: string) => plainText(field, 1024);
const flag = z.boolean(rule('true or false', 'pass a boolean'));

function backendSchemaOf(scope: Scope) {
  const local = z
    .strictObject(
      {
        path: stateLocation(scope, 'path', 'states/terraform.{stack}.tfstate')
          .optional()
          .meta({ description: 'State file, relative to stateDir. Default: terraform.{stack}.tfstate.' }),
      },
      mapping('a local backend', 'local: { path: terraform.{stack}.tfstate }'),
    )
    .meta({ description: 'A local state file per stack (cdktf LocalBackend).' });

  // The non-secret settings of cdktf's S3BackendConfig.
  const s3 = z
    .strictObject(
      {
        bucket: text('bucket'),
        key: stateLocation(scope, 'key', 'qubitro/{env}/{project}.tfstate')
          .optional()
          .meta({ description: 'Object key of the state. Default: qubitro/{stack}.tfstate.' }),
        region: text('region').optional(),
        endpoint: text('endpoint').optional(),
        encrypt: flag.optional(),
        kmsKeyId: text('kmsKeyId').optional(),
        dynamodbTable: text('dynamodbTable')
          .optional()
          .meta({ description: 'DynamoDB table that locks the state (partition key LockID, a string).' }),
        profile: text('profile').optional(),
        roleArn: text('roleArn').optional(),
        acl: text('acl').optional(),
        workspaceKeyPrefix: text('workspaceKeyPrefix').optional(),
        usePathStyle: flag.optional(),
        forcePathStyle: flag.optional(),
        skipCredentialsValidation: flag.optional(),
        skipRegionValidation: flag.optional(),
        skipRequestingAccountId: flag.optional(),
        skipMetadataApiCheck: flag.optional(),
        skipS3Checksum: flag.optional(),
        sharedConfigFiles: z.array(text('sharedConfigFiles')).optional(),
        sharedCredentialsFiles: z.array(text('sharedCredentialsFiles')).optional(),
        maxRetries: apiSchema.shape.maxRetries,
        assumeRole: z
          .strictObject({
            roleArn: text('roleArn'),
            externalId: text('externalId').optional(),
            sessionName: text('sessionName').optional(),
            duration: text('duration').optional(),
          })
          .optional(),
      },
      mapping('an S3 backend', 's3: { bucket: my-state, region: eu-west-1 }'),
    )
    .meta({
      description: 'S3 state (cdktf S3Backend); credentials from the AWS environment, never this file.',
    });

  const remote = z
    .strictObject(
      {
        hostname: text('hostname').optional(),
        organization: text('organization'),
        workspaces: z
          .strictObject({
            name: stateLocation(scope, 'name', 'qubitro-{stack}').meta({ description: 'Default: {stack}.' }),
          })
          .optional(),
      },
      mapping('a remote backend', 'remote: { organization: my-org }'),
    )
    .meta({
      description: 'A remote backend (cdktf RemoteBackend); its token from TF_TOKEN_<host> or `tofu login`.',
    });

  const pg = z
    .strictObject(
      {
        schemaName: pgSchemaName(scope).optional().meta({
          description:
            'The Postgres schema of the state. Default: the stack name with _ for -, e.g. prod_farm.',
        }),
      },
      mapping('a pg backend', 'pg: { schemaName: qubitro_{stack} }'),
    )
    .meta({
      description:
        'State in Postgres (cdktf PgBackend), one schema per stack, locked with advisory locks; the ' +
        'connection string from PG_CONN_STR in the environment of the deploy, never this file.',
    });

  return z
    .strictObject(
      {
        local: local.optional(),
        s3: s3.optional(),
        remote: remote.optional(),
        pg: pg.optional(),
      },
      mapping('a backend', 'local: {}'),
    )
    .refine(
      (b) => Object.keys(b).length === 1,
      rule(
        'exactly one of local, s3, remote, pg',
        scope === 'file' ? 'keep one backend kind per environment' : 'keep one backend kind',
      ),
    )
    .meta({
      description:
        scope === 'file'
          ? 'Where the stacks of this environment keep their state. Strings may use {stack}, {env} and {project}.'
          : 'Where this stack keeps its state. Strings may use {stack}.',
      minProperties: 1,
      maxProperties: 1,
    });
}

/** A backend in the environments YAML: every state location names its stack. */
export const backendSchema = backendSchemaOf('file');
/** A backend passed to one QubitroProjectStack (or resolved from the YAML): `{stack}` only. */
export const stackBackendSchema = backendSchemaOf('stack');

export type BackendConfig = z.infer<typeof backendSchema>;
