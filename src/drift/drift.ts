/**
 * What changed outside code: per stack, a refresh-only plan (`plan -refresh-only`, shown as JSON) says which
 * connections of the state were changed or deleted on the endpoint; a listing of the endpoint says which
 * connections no stack manages. The review's model and renderer (src/review/) turn it into Markdown.
 */
import { CONNECTION_RESOURCE } from '../wire-format';
import { code, markdownTable, plain, plural, renderReview } from '../review/markdown';
import type { ReviewedConnection, ReviewedStack } from '../review/model';
import { applyPlan } from '../review/plan';
import { reviewSynthesizedStack, type Json, type SynthesizedStack } from '../review/synthesized';
import type { TenantConnection } from '../import/tenant';

export type DriftStatus = 'in sync' | 'changed outside code' | 'deleted outside code';

export interface DriftedConnection {
  readonly stack: string;
  /** The construct id. */
  readonly id: string;
  readonly name?: string;
  /** The IoT Flow id, from the state. */
  readonly connectionId?: string;
  readonly status: DriftStatus;
  /** Changed fields, old → new (secrets are masked by the API: a change to them cannot be seen). */
  readonly changes: readonly { path: string; before?: unknown; after?: unknown }[];
}

export interface UnmanagedConnection {
  readonly endpoint: string;
  readonly id: string;
  readonly name: string;
  readonly connectorId: string;
  readonly brand?: string;
}

export interface DriftReport {
  readonly inSync: boolean;
  readonly connections: readonly DriftedConnection[];
  readonly unmanaged: readonly UnmanagedConnection[];
}

const isConnection = (r: Json) => r?.mode === 'managed' && r?.type === CONNECTION_RESOURCE;

/** The connection ids a refresh-only plan shows in state, deleted ones included, by address. */
function stateIds(plan: Json): Map<string, string> {
  const resources = [
    ...((plan.prior_state?.values?.root_module?.resources ?? []) as Json[]),
    ...((plan.resource_drift ?? []) as Json[]).map((d) => ({ ...d, values: d.change?.before })),
  ];
  return new Map(resources.filter(isConnection).map((r) => [r.address as string, r.values?.id as string]));
}

/** The review model of one stack with its drift as the plan's changes: update = changed, delete = deleted. */
export function driftedStack(stack: SynthesizedStack, plan: Json): ReviewedStack {
  const drift = ((plan.resource_drift ?? []) as Json[]).filter(isConnection);
  const reviewed = applyPlan(reviewSynthesizedStack(stack), { resource_changes: drift });
  const inState = stateIds(plan);
  return {
    ...reviewed,
    connections: reviewed.connections
      // Declared but never deployed: not drift, a deploy creates it.
      .filter((c) => c.action !== undefined || inState.has(c.address))
      .map((c): ReviewedConnection => ({
        ...c,
        action: c.action ?? 'no-op',
        // The API masks secrets: a refresh cannot tell whether one was changed.
        secrets: c.secrets.map(({ path, source }) => ({ path, source })),
      })),
  };
}

/** The report: each stack's connections with their status, and the endpoint's connections in no state. */
export function buildDriftReport(
  stacks: readonly { stack: SynthesizedStack; plan: Json; reviewed: ReviewedStack }[],
  tenants: ReadonlyMap<string, readonly TenantConnection[]>,
): DriftReport {
  const idsOf = stacks.map(({ plan }) => stateIds(plan));
  const managed = new Set(idsOf.flatMap((ids) => [...ids.values()]));
  const connections = stacks.flatMap(({ reviewed }, i) => {
    const ids = idsOf[i];
    return reviewed.connections.map((c): DriftedConnection => ({
      stack: reviewed.name,
      id: c.id,
      name: c.name,
      connectionId: ids.get(c.address),
      status:
        c.action === 'delete'
          ? 'deleted outside code'
          : c.action === 'update'
            ? 'changed outside code'
            : 'in sync',
      changes: (c.changes ?? []).map((f) =>
        f.hidden ? { path: f.path } : { path: f.path, before: f.before, after: f.after },
      ),
    }));
  });
  const unmanaged = [...tenants].flatMap(([endpoint, tenant]) =>
    tenant
      .filter((t) => !managed.has(t.id))
      .map((t) => ({ endpoint, id: t.id, name: t.name, connectorId: t.connectorId, brand: t.brand })),
  );
  return { inSync: connections.every((c) => c.status === 'in sync'), connections, unmanaged };
}

/** The Markdown: the review's tables of every stack (its actions read as the legend says), then the unmanaged. */
export function driftMarkdown(
  report: DriftReport,
  reviewed: readonly ReviewedStack[],
  secrets: readonly string[],
): string {
  const count = (s: DriftStatus) => report.connections.filter((c) => c.status === s).length;
  const [heading, ...rest] = renderReview(
    { stacks: reviewed },
    { title: 'Drift: changes made outside code', secrets },
  )
    .trimEnd()
    .split('\n');
  const lines = [
    heading,
    '',
    report.inSync
      ? `**In sync**: ${plural(report.connections.length, 'connection')} as the code declares.`
      : `**Drift**: ${count('changed outside code')} changed outside code, ${count('deleted outside code')} ` +
        `deleted outside code, ${count('in sync')} in sync.`,
    '',
    'Action **update**: changed outside code (the next deploy puts back what the code declares); **delete**: ' +
      'deleted outside code (the next deploy creates it again); **no-op**: in sync. Secrets are masked by the ' +
      'API: a change made to one outside code cannot be seen.',
    ...rest,
  ];
  lines.push('', '### Unmanaged', '');
  if (!report.unmanaged.length) lines.push('_Every connection of the endpoint is in a stack._');
  else {
    lines.push(
      `${plural(report.unmanaged.length, 'connection')} on the endpoint in no stack (\`qubitro-import\` brings them under code):`,
      '',
      ...markdownTable(
        ['Id', 'Name', 'Connector', 'Brand', 'Endpoint'],
        report.unmanaged.map((u) => [
          code(u.id),
          plain(u.name),
          code(u.connectorId),
          u.brand ? code(u.brand) : '—',
          code(u.endpoint),
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
