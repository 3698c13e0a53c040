/**
 * Reads the connections a synthesized cdktf app declares: `cdktf.out/manifest.json`, then each stack's
 * `cdk.tf.json`. A secret field shows only where its value comes from (`TF_VAR_<name>`), never a value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesizedAppMissing } from '../errors';
import { valueAtPath } from '../json-path';
import { readJsonFile } from './json-file';
import {
  CONNECTION_RESOURCE,
  MASK,
  PROVIDER_NAME,
  QUBITRO_BRAND,
  QUBITRO_CONNECTOR_ID,
  STACK_METADATA_KEY,
} from '../wire-format';
import { configurationPath, type PresetDefinition } from '../presets/definition';
import { QUBITRO } from '../presets/qubitro';
import { presetOfBrand } from '../presets/registry';
import {
  secretPathsOfBrand,
  type ReviewedConnection,
  type ReviewedSecret,
  type ReviewedStack,
} from './model';

/** Loosely typed JSON as cdktf and tofu write it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Fields fixed by the Qubitro preset: not repeated under options (another brand's name is shown there). */
const PRESET: Record<string, unknown> = { connectorId: QUBITRO_CONNECTOR_ID, brand: QUBITRO_BRAND };

export interface SynthesizedStack {
  readonly name: string;
  /** The stack's cdk.tf.json. */
  readonly tf: Json;
}

/** Every stack of a `cdktf.out` folder, in the manifest's order. */
export function readSynthesizedStacks(outDir: string): SynthesizedStack[] {
  const manifestFile = path.join(outDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw synthesizedAppMissing(manifestFile);
  }
  const fix = 'synthesize the app again (`cdktf synth`, `cdktn synth`)';
  const manifest = readJsonFile(manifestFile, fix) as Json;
  return Object.values((manifest?.stacks ?? {}) as Record<string, Json>).map((s) => ({
    name: s.name as string,
    tf: readJsonFile(path.join(outDir, s.synthesizedStackPath), fix),
  }));
}

/** The review model of one synthesized stack (no plan yet). */
export function reviewSynthesizedStack({ name, tf }: SynthesizedStack): ReviewedStack {
  const endpoints = providerEndpoints(tf);
  const resources = Object.entries((tf.resource?.[CONNECTION_RESOURCE] ?? {}) as Record<string, Json>);
  const metadata = tf['//']?.[STACK_METADATA_KEY] as { environment?: string; project?: string } | undefined;
  const distinct = [...new Set(Object.values(endpoints))];
  return {
    name,
    environment: metadata?.environment,
    project: metadata?.project,
    endpoint: distinct.length === 1 ? distinct[0] : undefined,
    planned: false,
    connections: resources.map(([logicalId, r]) =>
      reviewBody(
        `${CONNECTION_RESOURCE}.${logicalId}`,
        constructId(r['//']?.metadata?.path, logicalId),
        connectionBodyOf(r),
        secretPathsOf(r),
        (value) => secretSource(value),
      ),
    ),
  };
}

/** The iotflow provider blocks (cdktf writes a list once a provider has an alias). */
export function iotflowProviders(tf: Json): Json[] {
  const raw = tf.provider?.[PROVIDER_NAME];
  return Array.isArray(raw) ? raw : raw ? [raw] : [];
}

/** `${var.name}` → `TF_VAR_name`, the environment variable the stacks read it from; undefined for anything else. */
export function tfVarOf(value: unknown): string | undefined {
  const reference = typeof value === 'string' ? /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(value) : null;
  return reference === null ? undefined : `TF_VAR_${reference[1]}`;
}

/** `alias → base_url` of the iotflow providers (`iotflow` for the default one). */
export function providerEndpoints(tf: Json): Record<string, string> {
  return Object.fromEntries(
    iotflowProviders(tf).map((p) => [p.alias ? `${PROVIDER_NAME}.${p.alias}` : PROVIDER_NAME, p.base_url]),
  );
}

/** The secret paths of a resource: the known ones and those it sends write-only. */
export function secretPathsOf(resource: Json): string[] {
  const writeOnly = Object.keys((resource?.secrets_wo as Record<string, unknown> | null) ?? {});
  return [
    ...new Set([...secretPathsOfBrand(resource?.brand), ...writeOnly.map((p) => `configuration.${p}`)]),
  ];
}

/** JSON text as the resource holds it; an expression (`${jsonencode(...)}`) cannot be read before deploy. */
function parseJson(text: unknown): Json {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The request body an `iotflow_connection` (its cdk.tf.json block, or its values in a plan) sends: the
 * configuration JSON with each write-only secret put back at its path (as the reference it comes from, or
 * null where a plan withholds it).
 */
export function connectionBodyOf(r: Json): Json {
  if (r === null || r === undefined) return undefined;
  const configuration = parseJson(r.configuration) ?? {};
  for (const [dotted, value] of Object.entries((r.secrets_wo as Record<string, unknown> | null) ?? {})) {
    const keys = dotted.split('.');
    let node = configuration;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    node[keys[keys.length - 1]] = value;
  }
  return Object.fromEntries(
    Object.entries({
      name: r.name,
      connectorId: r.connector_id,
      brand: r.brand,
      active: r.active,
      configuration,
      alarms: parseJson(r.alarms),
    }).filter(([, v]) => v !== undefined && v !== null),
  );
}

/** `dev-farm/Uplinks/Resource` → `Uplinks`; else the logical id without its hash. */
export function constructId(constructPath: string | undefined, logicalId: string): string {
  if (constructPath) {
    const parts = constructPath.split('/');
    return parts.slice(1, parts[parts.length - 1] === 'Resource' ? -1 : undefined).join('/');
  }
  return logicalId.replace(/_[0-9A-F]{8}$/, '');
}

/** Where a secret comes from, without its value. */
function secretSource(value: unknown): string {
  if (typeof value === 'string') {
    // The whole value, or behind a header's prefix (`Bearer ${var.x}`).
    const variable = /^[A-Za-z]* ?\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(value);
    if (variable) return `TF_VAR_${variable[1]}`;
    if (value.includes('${')) return 'an expression';
  }
  return 'plain text in cdk.tf.json (unsafePlaintextSecret)';
}

/**
 * A connection from its request body: the shown columns, the other fields as options, and its secrets
 * (described by `describe`, which never sees anything but the value it must not print).
 */
export function reviewBody(
  address: string,
  id: string,
  body: Json,
  secretPaths: string[],
  describe: (value: unknown, path: string) => string | undefined,
): ReviewedConnection {
  const preset = presetOfBrand(body?.brand) ?? QUBITRO;
  const account = preset.fields.find((f) => f.account);
  const accountPath = account && `configuration.${configurationPath(account.placement)}`;
  // Shown in their own columns: not repeated under options.
  const shownElsewhere = ['name', 'configuration.destinationURL', accountPath];
  const leaves = flatten(body, secretPaths);
  const options = Object.fromEntries(
    Object.entries(leaves)
      .filter(([k, v]) => !shownElsewhere.includes(k) && PRESET[k] !== v)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k.replace(/^configuration\./, ''), v]),
  );
  const secrets: ReviewedSecret[] = secretPaths
    .filter((p) => valueAtPath(body, p) !== undefined)
    .map((p) => ({ path: p, source: describe(valueAtPath(body, p), p) }));
  const destination = body?.configuration?.destinationURL;
  return {
    address,
    id,
    name: typeof body?.name === 'string' ? body.name : undefined,
    projectId: accountPath === undefined ? undefined : (valueAtPath(body, accountPath) as string | undefined),
    destination:
      typeof destination === 'string' &&
      withoutMaskedSecrets(destination, preset) === preset.destination?.default
        ? `${preset.title} (default)`
        : destination,
    options,
    secrets,
  };
}

/** A destination URL without the preset's secret query parameters where they are masked (`?authorization=*****`). */
function withoutMaskedSecrets(url: string, preset: PresetDefinition): string {
  const masked = preset.secrets.flatMap((s) =>
    'queryParameter' in s.placement ? [`${encodeURIComponent(s.placement.queryParameter)}=${MASK}`] : [],
  );
  const at = url.indexOf('?');
  if (at < 0) return url;
  const base = url.slice(0, at);
  const kept = url
    .slice(at + 1)
    .split('&')
    .filter((kv) => kv !== '' && !masked.includes(kv));
  return kept.length ? `${base}?${kept.join('&')}` : base;
}

/**
 * The leaves of `value` by dotted path (arrays are leaves), leaving out the subtrees at `skip` and any leaf
 * that holds one of them. The path `''` skips everything.
 */
function flatten(value: Json, skip: string[], prefix = ''): Record<string, unknown> {
  if (skip.includes(prefix)) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return prefix && !skip.some((s) => s.startsWith(`${prefix}.`)) ? { [prefix]: value } : {};
  }
  return Object.fromEntries(
    Object.entries(value).flatMap(([k, v]) =>
      Object.entries(flatten(v, skip, prefix ? `${prefix}.${k}` : k)),
    ),
  );
}

/**
 * Secret values written in plain text into a stack (through `unsafePlaintextSecret`): the review never shows
 * them, and scrubs them from its text all the same.
 */
export function synthesizedSecrets(tf: Json): string[] {
  const literal = (v: unknown): v is string => typeof v === 'string' && !v.includes('${');
  const resources = Object.values((tf.resource?.[CONNECTION_RESOURCE] ?? {}) as Record<string, Json>);
  const sensitiveDefaults = Object.values((tf.variable ?? {}) as Record<string, Json>)
    .filter((v) => v.sensitive)
    .map((v) => v.default);
  return [
    ...resources.flatMap((r) => secretPathsOf(r).map((p) => valueAtPath(connectionBodyOf(r), p))),
    ...iotflowProviders(tf).flatMap((p) => [p.client_secret, p.bearer_token]),
    ...sensitiveDefaults,
  ].filter(literal);
}
