/**
 * What `qubitro-import` brings under code: the selected connections of a tenant, grouped per Qubitro project,
 * each as the props of a project-stack connection with `importFrom` its id. A connection is imported only
 * when the constructs can express every field it holds, so the first deploy keeps every field; any other is
 * skipped with the reason (the fields, a name used twice, a connector the YAML cannot hold), never dropped.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { connectionSchema } from '../schema/connection';
import { qubitroConnectionSchema } from '../schema/qubitro';
import {
  CONFIGURATION_DEFAULTS,
  MASK,
  QUBITRO_BRAND,
  QUBITRO_CONNECTOR_ID,
  QUBITRO_DEFAULT_DESTINATION,
} from '../wire-format';
import type { PresetDefinition } from '../presets/definition';
import { presetPropsSchema } from '../presets/preset-connection';
import { QUBITRO } from '../presets/qubitro';
import { presetOfBrand } from '../presets/registry';
import type { TenantConnection } from './tenant';

export interface Selection {
  /** Exact brand, any case. @default QUBITRO (unless `connector` is given) */
  readonly brand?: string;
  /** A glob of connection names: `*` any text, `?` one character. */
  readonly name?: string;
  readonly connector?: string;
}

/** One connection to import: the props of a `QubitroProjectStack` connection, `id` and `importFrom` set. */
export interface ImportedConnection {
  readonly props: Readonly<Record<string, unknown>> & { readonly id: string; readonly importFrom: string };
  /** The API masks its signing key: the first deploy sends the key from the variable once (a PUT). */
  readonly keySentOnce: boolean;
}

export interface ImportedProject {
  readonly projectId: string;
  readonly connections: ImportedConnection[];
}

export interface SkippedConnection {
  readonly id: string;
  readonly name: string;
  /** Why it is not imported, with the fix. */
  readonly reason: string;
}

/** A connection the Qubitro props cannot express whole: an `IotFlowConnection`'s props (TypeScript only). */
export interface ImportedGeneric {
  readonly id: string;
  readonly importFrom: string;
  /** The brand's preset construct (e.g. `DatacakeConnection`) when it expresses the whole connection. */
  readonly construct?: string;
  /** Its props that hold secrets (each from a variable, sent once): the preset's; `IotFlowConnection` has none. */
  readonly secretProps?: readonly string[];
  readonly props: Readonly<Record<string, unknown>>;
  /** Paths inside `configuration` the API masks: each comes from a sensitive variable, sent once. */
  readonly secretFields: readonly string[];
}

export interface TenantSelection {
  readonly projects: ImportedProject[];
  /** Written as `IotFlowConnection`s where the format allows it (`--format ts`). */
  readonly generic: ImportedGeneric[];
  readonly skipped: SkippedConnection[];
}

/** The configuration fields a Qubitro connection carries as props (the common parameters). */
const COMMON_FIELDS = Object.keys(qubitroConnectionSchema.shape).filter(
  (k) => !['name', 'projectId', 'webhookSigningKey', 'destinationUrl', 'active', 'downlinkAsKey'].includes(k),
);
/** Top-level fields the API adds or the props carry. */
const TOP_FIELDS = [
  'id',
  'name',
  'connectorId',
  'brand',
  'active',
  'configuration',
  'alarms',
  'state',
  'startupTime',
];

const propsSchema = qubitroConnectionSchema.extend({ alarms: connectionSchema.shape.alarms }).strict();

function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

export function selects(selection: Selection, c: TenantConnection): boolean {
  const brand = selection.brand ?? (selection.connector ? undefined : QUBITRO_BRAND);
  if (brand !== undefined && String(c.brand ?? '').toUpperCase() !== brand.toUpperCase()) return false;
  if (selection.connector !== undefined && c.connectorId !== selection.connector) return false;
  return selection.name === undefined || globRegex(selection.name).test(c.name);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The props of a Qubitro connection, or the fields the constructs cannot express. Server defaults with their
 * default value are left out (the API adds them back on every read).
 */
export function qubitroProps(
  c: TenantConnection,
): { projectId: string; props: Record<string, unknown>; keySentOnce: boolean } | { unmodelled: string[] } {
  const unmodelled: string[] = [];
  const configuration = isObject(c.configuration) ? c.configuration : {};
  const headers = isObject(configuration.headers) ? configuration.headers : {};
  const props: Record<string, unknown> = { name: c.name };
  for (const key of Object.keys(c)) if (!TOP_FIELDS.includes(key)) unmodelled.push(key);
  if (c.active === false) props.active = false;
  else if (c.active !== undefined && c.active !== true) unmodelled.push('active');
  if (c.alarms !== undefined && c.alarms !== null && !isDeepStrictEqual(c.alarms, []))
    props.alarms = c.alarms;
  for (const [key, value] of Object.entries(configuration)) {
    if (key === 'headers' || value === null) continue;
    if (key === 'destinationURL') {
      if (value !== QUBITRO_DEFAULT_DESTINATION) props.destinationUrl = value;
    } else if (COMMON_FIELDS.includes(key)) {
      const fallback = (CONFIGURATION_DEFAULTS as Record<string, unknown>)[key];
      if (!isDeepStrictEqual(value, fallback)) props[key] = value;
    } else unmodelled.push(`configuration.${key}`);
  }
  for (const key of Object.keys(headers)) {
    if (key !== 'projectId' && key !== 'webhookSigningKey') unmodelled.push(`configuration.headers.${key}`);
  }
  const projectId = headers.projectId;
  const key = headers.webhookSigningKey;
  const checked = propsSchema.safeParse({ ...props, projectId, webhookSigningKey: '${var.key}' });
  if (!checked.success) {
    unmodelled.push(...checked.error.issues.map((i) => fieldOf(i)));
  }
  if (unmodelled.length) return { unmodelled: [...new Set(unmodelled)] };
  // A key the API shows in clear cannot be told apart from a masked one by its value alone: both are sent once.
  return { projectId: projectId as string, props, keySentOnce: key === MASK || typeof key === 'string' };
}

/** A props issue as the API field it comes from. */
function fieldOf(issue: z.core.$ZodIssue): string {
  const [first, ...rest] = issue.path.map(String);
  const top: Record<string, string> = {
    projectId: 'configuration.headers.projectId',
    webhookSigningKey: 'configuration.headers.webhookSigningKey',
    destinationUrl: 'configuration.destinationURL',
  };
  const field =
    top[first] ?? (['name', 'active', 'alarms'].includes(first) ? first : `configuration.${first}`);
  return [field, ...rest].join('.') + (issue.code === 'unrecognized_keys' ? `.${issue.keys.join(',')}` : '');
}

/** Paths whose text holds a mask inside it (`?authorization=*****` in a URL): no variable can stand for that. */
function partlyMasked(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return value !== MASK && value.includes(MASK) ? [prefix] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => partlyMasked(v, prefix ? `${prefix}.${k}` : k));
}

/** The masked paths inside a configuration, dotted (`headers.Authorization`). */
function maskedPaths(value: unknown, prefix = ''): string[] {
  if (value === MASK) return [prefix];
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => maskedPaths(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * The props of an `IotFlowConnection` for any connection (its masked values as `secretFields`, server
 * defaults with their default value left out), or the fields even it cannot express.
 */
export function genericProps(
  c: TenantConnection,
): { props: Record<string, unknown>; secretFields: string[] } | { unmodelled: string[] } {
  const unmodelled = Object.keys(c).filter((k) => !TOP_FIELDS.includes(k));
  const configuration = Object.fromEntries(
    Object.entries(isObject(c.configuration) ? c.configuration : {}).filter(
      ([k, v]) => v !== null && !isDeepStrictEqual(v, (CONFIGURATION_DEFAULTS as Record<string, unknown>)[k]),
    ),
  );
  const props: Record<string, unknown> = { name: c.name, connectorId: c.connectorId };
  if (c.brand) props.brand = c.brand;
  if (c.active === false) props.active = false;
  if (c.alarms !== undefined && c.alarms !== null && !isDeepStrictEqual(c.alarms, []))
    props.alarms = c.alarms;
  props.configuration = configuration;
  unmodelled.push(...partlyMasked(configuration).map((p) => `configuration.${p} (partly masked)`));
  const secretFields = maskedPaths(configuration).filter((p) => !/[^\w.]/.test(p));
  unmodelled.push(
    ...maskedPaths(configuration)
      .filter((p) => /[^\w.]/.test(p))
      .map((p) => `configuration.${p}`),
  );
  const checked = connectionSchema.strict().safeParse({ ...props, secretFields });
  if (!checked.success) unmodelled.push(...checked.error.issues.map((i) => i.path.join('.') || 'connection'));
  return unmodelled.length ? { unmodelled: [...new Set(unmodelled)] } : { props, secretFields };
}

/** `gear-studio` → `GearStudioConnection`: the preset construct of a brand. */
function presetConstruct(definition: PresetDefinition): string {
  return `${definition.kind.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Connection`;
}

/**
 * The props of the brand's preset construct, or undefined when it cannot express the whole connection (a
 * field it does not know, a secret in a URL's query, a secret shown in clear): the connection is then
 * written as an `IotFlowConnection`.
 */
export function presetProps(
  c: TenantConnection,
  definition: PresetDefinition,
): { props: Record<string, unknown>; secretProps: string[]; construct: string } | undefined {
  if (c.connectorId !== definition.connectorId || Object.keys(c).some((k) => !TOP_FIELDS.includes(k))) {
    return undefined;
  }
  const configuration = { ...(isObject(c.configuration) ? c.configuration : {}) };
  const headers = { ...(isObject(configuration.headers) ? configuration.headers : {}) };
  delete configuration.headers;
  const props: Record<string, unknown> = { name: c.name };
  if (c.active === false) props.active = false;
  if (c.alarms !== undefined && c.alarms !== null && !isDeepStrictEqual(c.alarms, [])) {
    props.alarms = c.alarms;
  }
  const take = (placement: { header: string } | { field: string }) => {
    const [from, key] =
      'header' in placement ? [headers, placement.header] : [configuration, placement.field];
    const value = from[key];
    delete from[key];
    return value;
  };
  for (const f of definition.fields) {
    const value = take(f.placement);
    if (value !== undefined) props[f.prop] = value;
  }
  const secretProps: string[] = [];
  for (const secret of definition.secrets) {
    if ('queryParameter' in secret.placement || take(secret.placement) !== MASK) return undefined;
    secretProps.push(secret.prop);
  }
  const url = configuration.destinationURL;
  delete configuration.destinationURL;
  if (url !== undefined && url !== definition.destination?.default) props.destinationUrl = url;
  if (Object.keys(headers).length) return undefined;
  for (const [key, value] of Object.entries(configuration)) {
    if (value === null) continue;
    if (!COMMON_FIELDS.includes(key)) return undefined;
    if (!isDeepStrictEqual(value, (CONFIGURATION_DEFAULTS as Record<string, unknown>)[key]))
      props[key] = value;
  }
  const tokens = Object.fromEntries(secretProps.map((p) => [p, '${var.secret}']));
  if (
    !presetPropsSchema(definition)
      .strict()
      .safeParse({ ...props, ...tokens }).success
  )
    return undefined;
  return { props, secretProps, construct: presetConstruct(definition) };
}

/** `Farm uplinks #2` → `FarmUplinks2`; a name with no letter becomes `Connection<id>`. */
export function constructIdOf(name: string, tenantId: string, taken: ReadonlySet<string>): string {
  const words = name.normalize('NFKD').match(/[A-Za-z0-9]+/g) ?? [];
  let base = words
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')
    .slice(0, 48);
  if (!/^[A-Z]/.test(base)) base = `Connection${base}`.slice(0, 48);
  return taken.has(base) ? `${base}Id${tenantId.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 64) : base;
}

/**
 * The selected connections of a tenant per Qubitro project, minus `alreadyManaged` (ids of connections the
 * existing code imports, and names it declares). Construct ids avoid `takenIds` of each project.
 */
export function selectConnections(
  tenant: readonly TenantConnection[],
  selection: Selection,
  existing: { readonly ids: ReadonlySet<string>; readonly names: ReadonlySet<string> } = {
    ids: new Set(),
    names: new Set(),
  },
  takenIds: (projectId: string) => ReadonlySet<string> = () => new Set(),
  /** Whether connections the Qubitro props cannot express are written as `IotFlowConnection`s. */
  withGeneric = false,
): TenantSelection {
  const byName = new Map<string, TenantConnection[]>();
  for (const c of tenant) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  const projects = new Map<string, ImportedProject>();
  const taken = new Map<string, Set<string>>();
  const skipped: SkippedConnection[] = [];
  const generic: ImportedGeneric[] = [];
  const genericIds = new Set(takenIds(''));
  /** As an `IotFlowConnection`, when the format allows it and it expresses the whole connection. */
  const asGeneric = (c: TenantConnection): string | undefined => {
    const definition = presetOfBrand(c.brand);
    const preset =
      withGeneric && definition && definition !== QUBITRO ? presetProps(c, definition) : undefined;
    if (preset) {
      const id = constructIdOf(c.name, c.id, genericIds);
      genericIds.add(id);
      generic.push({ id, importFrom: c.id, secretFields: [], ...preset });
      return undefined;
    }
    const modelled = genericProps(c);
    if ('unmodelled' in modelled)
      return `even an IotFlowConnection cannot express ${modelled.unmodelled.join(', ')}`;
    if (!withGeneric)
      return 'the environments YAML holds Qubitro connections only: --format ts writes it as an IotFlowConnection';
    const id = constructIdOf(c.name, c.id, genericIds);
    genericIds.add(id);
    generic.push({ id, importFrom: c.id, ...modelled });
    return undefined;
  };
  for (const c of tenant) {
    if (!selects(selection, c) || existing.ids.has(c.id)) continue;
    const skip = (reason: string) => skipped.push({ id: c.id, name: c.name, reason });
    if (existing.names.has(c.name)) {
      skip('the code already declares a connection of this name: not imported twice');
      continue;
    }
    const twins = byName.get(c.name)!;
    if (twins.length > 1) {
      const ids = twins.map((t) => t.id).join(', ');
      skip(
        `the name is used by connections ${ids} on this endpoint, and the constructs need one name per endpoint: ` +
          'rename all but one in ThingPark, then run qubitro-import again',
      );
      continue;
    }
    if (c.connectorId !== QUBITRO_CONNECTOR_ID || c.brand !== QUBITRO_BRAND) {
      const why = asGeneric(c);
      if (why) skip(`connector ${c.connectorId}${c.brand ? `, brand ${c.brand}` : ''}: ${why}`);
      continue;
    }
    const modelled = qubitroProps(c);
    if ('unmodelled' in modelled) {
      const why = asGeneric(c);
      if (why) {
        skip(
          `QubitroConnection cannot express ${modelled.unmodelled.join(', ')} (a deploy would drop or change it), ` +
            `and ${why}; or change it in ThingPark`,
        );
      }
      continue;
    }
    const project = projects.get(modelled.projectId) ?? { projectId: modelled.projectId, connections: [] };
    projects.set(modelled.projectId, project);
    const ids = taken.get(modelled.projectId) ?? new Set(takenIds(modelled.projectId));
    taken.set(modelled.projectId, ids);
    const id = constructIdOf(c.name, c.id, ids);
    ids.add(id);
    project.connections.push({
      props: { id, ...modelled.props, importFrom: c.id },
      keySentOnce: modelled.keySentOnce,
    });
  }
  return { projects: [...projects.values()], generic, skipped };
}
