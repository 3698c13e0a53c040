/**
 * Reads `tofu show -json <planfile>`: each connection's action and the body fields that change, from
 * `change.before` and `change.after` of its `iotflow_connection`. Secrets are write-only there (null in the
 * plan); whether they are set or rotated comes from the provider's `secrets_fingerprint`. Any value the plan
 * marks sensitive is still treated as a secret and never printed.
 */
import { isDeepStrictEqual } from 'node:util';
import { CONNECTION_RESOURCE } from '../wire-format';
import {
  type Action,
  type FieldChange,
  type ReviewedConnection,
  type ReviewedStack,
  type SecretStatus,
} from './model';
import {
  connectionBodyOf,
  constructId,
  type Json,
  providerEndpoints,
  reviewBody,
  secretPathsOf,
  type SynthesizedStack,
} from './synthesized';
import { notPlanJson, planStackUnknown, planStackUnmatched } from '../errors';
import { valueAtPath } from '../json-path';

/** A plan JSON and, when the user said so, the stack it is for. */
export interface PlanInput {
  readonly file: string;
  readonly stack?: string;
  readonly plan: Json;
}

/** Refuses JSON that is not `tofu show -json` of a saved plan (e.g. the state's). */
export function checkPlanJson(file: string, plan: Json): void {
  if (
    plan === null ||
    typeof plan !== 'object' ||
    !('format_version' in plan) ||
    !('planned_values' in plan)
  ) {
    throw notPlanJson(file);
  }
}

const ACTIONS: Record<string, Action> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  'no-op': 'no-op',
  'create,delete': 'replace',
};

function actionOf(actions: string[], importing: unknown): Action | undefined {
  const base = ACTIONS[[...actions].sort().join(',')];
  if (importing && base === 'no-op') return 'import';
  if (importing && base === 'update') return 'import, update';
  return base;
}

/** The dotted paths a sensitivity mark tree (`before_sensitive.body`, …) marks, `''` for the whole tree. */
function markedPaths(marks: Json, prefix = ''): string[] {
  if (marks === true) return [prefix];
  if (marks === null || typeof marks !== 'object') return [];
  return Object.entries(marks).flatMap(([k, v]) => markedPaths(v, prefix ? `${prefix}.${k}` : k));
}

function isConnectionChange(rc: Json): boolean {
  return rc.mode === 'managed' && rc.type === CONNECTION_RESOURCE;
}

/** The body field each attribute of an `iotflow_connection` becomes (`secrets_wo` is handled apart). */
const BODY_FIELDS: Record<string, string> = {
  name: 'name',
  connector_id: 'connectorId',
  brand: 'brand',
  active: 'active',
  configuration: 'configuration',
  alarms: 'alarms',
};

/** The body paths of the attributes a sensitivity mark tree marks (a JSON attribute is marked whole). */
function markedBodyPaths(marks: Json): string[] {
  return markedPaths(marks).flatMap((p) => BODY_FIELDS[p.split('.')[0]] ?? []);
}

/** Every path of a connection body whose value must never be printed: secrets and what the plan marks. */
function secretPathsOfChange(rc: Json, declared: string[] = []): string[] {
  const c = rc.change;
  return [
    ...new Set([
      ...declared,
      ...secretPathsOf(c.before),
      ...secretPathsOf(c.after),
      ...markedBodyPaths(c.before_sensitive),
      ...markedBodyPaths(c.after_sensitive),
    ]),
  ];
}

/** The plan's unknown-value marks of a resource, in the shape of its request body. */
function bodyUnknown(marks: Json): Json {
  if (!marks || typeof marks !== 'object') return marks;
  return {
    name: marks.name,
    connectorId: marks.connector_id,
    brand: marks.brand,
    active: marks.active,
    configuration: marks.configuration,
    alarms: marks.alarms,
  };
}

/**
 * What the plan does to a connection's write-only secrets, from the provider's keyed fingerprint of them
 * (the plan never holds the values): one status for all the secrets of a connection.
 */
function secretStatusOf(c: Json, action: Action | undefined): SecretStatus | undefined {
  if (action === 'delete' || action === 'no-op' || action === 'import') {
    if (!c.before?.secrets_fingerprint) return undefined;
    return action === 'delete' ? 'removed' : 'unchanged';
  }
  const before = c.before?.secrets_fingerprint;
  const afterUnknown = c.after_unknown?.secrets_fingerprint === true;
  const after = c.after?.secrets_fingerprint;
  if (!before) return afterUnknown || after ? 'set' : undefined;
  if (!afterUnknown && !after) return 'removed';
  return afterUnknown || after !== before ? 'rotated' : 'unchanged';
}

/** The non-secret fields that differ between two bodies; a secret subtree is left to `secretStatusOf`. */
function diff(before: Json, after: Json, skip: string[], unknown: Json, prefix = ''): FieldChange[] {
  // A changed secret or marked value is named, never shown (write-only secrets are absent from plans).
  if (skip.includes(prefix)) {
    return prefix && !isDeepStrictEqual(before ?? null, after ?? null)
      ? [{ path: prefix, hidden: true }]
      : [];
  }
  if (unknown === true) return [{ path: prefix, before: before ?? undefined, afterUnknown: true }];
  const isObject = (v: Json) => v !== null && typeof v === 'object' && !Array.isArray(v);
  // An added or removed object is compared leaf by leaf, so that its secrets stay out.
  if (
    (isObject(before) || before == null) &&
    (isObject(after) || after == null) &&
    (isObject(before) || isObject(after))
  ) {
    const b = before ?? {};
    const a = after ?? {};
    // A value unknown until apply is absent from `after` (and from a body, which drops nulls): take its key too.
    const pending = Object.keys(unknown ?? {}).filter((k) => unknown[k]);
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a), ...pending])].sort();
    return keys.flatMap((k) => diff(b[k], a[k], skip, unknown?.[k], prefix ? `${prefix}.${k}` : k));
  }
  if (isDeepStrictEqual(before ?? null, after ?? null)) return [];
  // A changed value that holds a secret deeper down (e.g. inside a list) is named, never shown.
  if (skip.some((s) => s.startsWith(`${prefix}.`))) return [{ path: prefix, hidden: true }];
  return [{ path: prefix, before: before ?? undefined, after: after ?? undefined }];
}

/** Action, changes and secret statuses of one connection from its resource change. */
function planned(rc: Json, connection: ReviewedConnection): ReviewedConnection {
  const c = rc.change;
  const before = connectionBodyOf(c.before);
  const after = connectionBodyOf(c.after);
  const unknown = bodyUnknown(c.after_unknown);
  const action = actionOf(c.actions ?? [], c.importing);
  const paths = secretPathsOfChange(
    rc,
    connection.secrets.map((s) => s.path),
  );
  const sources = new Map(connection.secrets.map((s) => [s.path, s.source]));
  const status = secretStatusOf(c, action);
  const secrets = paths.flatMap((path) =>
    sources.has(path) ? [{ path, source: sources.get(path), status }] : [],
  );
  // A connection only the state knows: the plan names none of its write-only secret paths, only that it
  // had secrets (a fingerprint), so they are reported together.
  if (!secrets.length && status) secrets.push({ path: 'secrets', source: undefined, status });
  const changes =
    action === 'update' || action === 'replace' || action === 'import, update'
      ? diff(before ?? {}, after ?? {}, paths, unknown)
      : [];
  return { ...connection, action, changes, secrets };
}

/** The stack model with the plan's actions; connections the plan deletes are added from their state. */
export function applyPlan(stack: ReviewedStack, plan: Json): ReviewedStack {
  const changes = ((plan.resource_changes ?? []) as Json[]).filter(isConnectionChange);
  const known = new Set(stack.connections.map((c) => c.address));
  const byAddress = new Map(changes.map((rc) => [rc.address as string, rc]));
  const declared = stack.connections.map((c) =>
    byAddress.has(c.address) ? planned(byAddress.get(c.address), c) : c,
  );
  const removed = changes
    .filter((rc) => !known.has(rc.address))
    .map((rc) => {
      const body = connectionBodyOf(rc.change.before ?? rc.change.after) ?? {};
      const base = reviewBody(
        rc.address,
        constructId(undefined, rc.name),
        body,
        secretPathsOfChange(rc),
        () => undefined,
      );
      return planned(rc, base);
    });
  return { ...stack, planned: true, connections: [...declared, ...removed] };
}

/**
 * Every secret value a plan holds: sensitive variables, and each value under a sensitive mark or a secret
 * path of any resource or output. The review output is scrubbed of them as a last line of defence.
 */
export function planSecrets(plan: Json): string[] {
  const found = new Set<string>();
  // Strings only: a sensitive number or boolean would scrub every `true` or `15` of the text.
  const add = (v: unknown) => {
    if (typeof v === 'string') found.add(v);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(add);
  };
  const declared = (plan.configuration?.root_module?.variables ?? {}) as Record<string, Json>;
  for (const [name, v] of Object.entries((plan.variables ?? {}) as Record<string, Json>)) {
    if (declared[name]?.sensitive) add(v?.value);
  }
  const underMarks = (value: Json, marks: Json) => {
    for (const p of markedPaths(marks)) add(valueAtPath(value, p));
  };
  for (const rc of (plan.resource_changes ?? []) as Json[]) {
    const c = rc.change ?? {};
    underMarks(c.before, c.before_sensitive);
    underMarks(c.after, c.after_sensitive);
    if (!isConnectionChange(rc)) continue;
    for (const p of [...secretPathsOf(c.before), ...secretPathsOf(c.after)]) {
      add(valueAtPath(connectionBodyOf(c.before), p));
      add(valueAtPath(connectionBodyOf(c.after), p));
    }
    // A marked JSON attribute (configuration, alarms) is one string in the plan: scrub its values one by one.
    for (const p of markedBodyPaths(c.before_sensitive)) add(valueAtPath(connectionBodyOf(c.before), p));
    for (const p of markedBodyPaths(c.after_sensitive)) add(valueAtPath(connectionBodyOf(c.after), p));
  }
  for (const o of Object.values((plan.output_changes ?? {}) as Record<string, Json>)) {
    underMarks(o.before, o.before_sensitive);
    underMarks(o.after, o.after_sensitive);
  }
  const stateResources = (values: Json): Json[] => [
    ...((values?.root_module?.resources ?? []) as Json[]),
    ...((values?.root_module?.child_modules ?? []) as Json[]).flatMap((m) => m.resources ?? []),
  ];
  for (const r of [...stateResources(plan.prior_state?.values), ...stateResources(plan.planned_values)]) {
    underMarks(r.values, r.sensitive_values);
  }
  return [...found];
}

/** What identifies a stack's configuration in a plan: its variables, resources and data sources. */
function planFacts(plan: Json): Set<string> {
  const root = plan.configuration?.root_module ?? {};
  return new Set([
    ...Object.keys(root.variables ?? {}).map((v) => `var.${v}`),
    ...((root.resources ?? []) as Json[]).map((r) => r.address as string),
  ]);
}

function stackFacts(tf: Json): Set<string> {
  const blocks = (kind: Json, prefix: string) =>
    Object.entries((kind ?? {}) as Record<string, Record<string, unknown>>).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => `${prefix}${type}.${n}`),
    );
  return new Set([
    ...Object.keys(tf.variable ?? {}).map((v) => `var.${v}`),
    ...blocks(tf.resource, ''),
    ...blocks(tf.data, 'data.'),
  ]);
}

function planEndpoints(plan: Json): string[] {
  return Object.values((plan.configuration?.provider_config ?? {}) as Record<string, Json>)
    .map((p) => p.expressions?.base_url?.constant_value as string | undefined)
    .filter((u): u is string => u !== undefined)
    .sort();
}

/**
 * The stack a plan was made for: the one named with `--plan <stack>=<file>`, the `stacks/<name>/` folder the
 * file sits in, or the only stack with the same variables, resources and endpoint.
 */
export function stackOfPlan(input: PlanInput, stacks: SynthesizedStack[]): SynthesizedStack {
  const names = stacks.map((s) => s.name);
  const named = input.stack ?? input.file.split(/[\\/]/).find((_, i, parts) => parts[i - 1] === 'stacks');
  if (input.stack !== undefined || (named && names.includes(named))) {
    const stack = stacks.find((s) => s.name === named);
    if (!stack) throw planStackUnknown(input.file, input.stack!, names);
    return stack;
  }
  const facts = planFacts(input.plan);
  const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
  let candidates = stacks.filter((s) => sameSet(stackFacts(s.tf), facts));
  if (candidates.length > 1) {
    const endpoints = planEndpoints(input.plan);
    candidates = candidates.filter((s) =>
      isDeepStrictEqual(Object.values(providerEndpoints(s.tf)).sort(), endpoints),
    );
  }
  if (candidates.length === 1) return candidates[0];
  throw planStackUnmatched(
    input.file,
    candidates.map((s) => s.name),
    names,
  );
}
