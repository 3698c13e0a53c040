/**
 * A stack's state backend, from the one-key shape the environments YAML and `QubitroProjectStackProps`
 * share: defaults that give every stack a state of its own, placeholders filled in, and the cdktf backend.
 */
import { createHash } from 'node:crypto';
import {
  LocalBackend,
  NamedRemoteWorkspace,
  PgBackend,
  PgBackendConfig,
  RemoteBackend,
  S3Backend,
  S3BackendConfig,
  TerraformStack,
} from './framework';
import type { BackendConfig } from './schema/backend';

/** What the placeholders stand for: a stack built in code knows only its name. */
export interface PlaceholderValues {
  readonly stack: string;
  readonly env?: string;
  readonly project?: string;
}

/** Postgres truncates identifiers to 63 bytes; a longer name keeps a hash of the whole instead. */
const PG_IDENTIFIER_MAX = 63;

/** The backend with each unset state location at its per-stack default. */
function withDefaults(backend: BackendConfig): BackendConfig {
  if (backend.s3) return { s3: { ...backend.s3, key: backend.s3.key ?? 'qubitro/{stack}.tfstate' } };
  if (backend.remote) {
    return {
      remote: { ...backend.remote, workspaces: { name: backend.remote.workspaces?.name ?? '{stack}' } },
    };
  }
  if (backend.pg) return { pg: { ...backend.pg, schemaName: backend.pg.schemaName ?? '{stack}' } };
  return { local: { ...backend.local, path: backend.local?.path ?? 'terraform.{stack}.tfstate' } };
}

function fill(text: string, values: PlaceholderValues, map: (v: string) => string = (v) => v): string {
  const replace = (t: string, placeholder: string, value: string | undefined) =>
    value === undefined ? t : t.replaceAll(placeholder, map(value));
  return replace(
    replace(replace(text, '{stack}', values.stack), '{env}', values.env),
    '{project}',
    values.project,
  );
}

function fillAll<T>(value: T, values: PlaceholderValues): T {
  if (typeof value === 'string') return fill(value, values) as T;
  if (Array.isArray(value)) return value.map((v) => fillAll(v, values)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillAll(v, values)])) as T;
  }
  return value;
}

/** A schema name from a template: `-` in the filled-in names becomes `_`, and over 63 bytes a hash shortens it. */
function pgSchemaName(template: string, values: PlaceholderValues): string {
  const name = fill(template, values, (v) => v.replace(/-/g, '_'));
  if (name.length <= PG_IDENTIFIER_MAX) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, PG_IDENTIFIER_MAX - hash.length - 1)}_${hash}`;
}

/**
 * The backend of one stack, every default and placeholder resolved: local `{ path }` as written (relative
 * paths are the caller's to anchor), `pg` with a valid Postgres schema name.
 */
export function resolveStackBackend(backend: BackendConfig, values: PlaceholderValues): BackendConfig {
  const full = withDefaults(backend);
  if (full.pg) return { pg: { ...full.pg, schemaName: pgSchemaName(full.pg.schemaName!, values) } };
  return fillAll(full, values);
}

/** Adds the cdktf backend for an already resolved `backend` to `stack`. */
export function addBackend(stack: TerraformStack, backend: BackendConfig): void {
  if (backend.s3) {
    new S3Backend(stack, backend.s3 as S3BackendConfig);
  } else if (backend.remote) {
    const { workspaces, ...rest } = backend.remote;
    new RemoteBackend(stack, { ...rest, workspaces: new NamedRemoteWorkspace(workspaces!.name) });
  } else if (backend.pg) {
    // No connStr: the engine reads PG_CONN_STR itself, so no password reaches cdk.tf.json or a plan.
    new PgBackend(stack, { schemaName: backend.pg.schemaName } as PgBackendConfig);
  } else {
    new LocalBackend(stack, { path: backend.local!.path });
  }
}
