/**
 * Renders a review as Markdown for a pull request comment: a heading per environment, a table per stack.
 * The text is scrubbed of every secret value the inputs held, a last line of defence behind the model,
 * which never carries one.
 */
import { REDACTED } from '../errors';
import {
  secretLabel,
  type FieldChange,
  type Review,
  type ReviewedConnection,
  type ReviewedSecret,
  type ReviewedStack,
} from './model';

export interface RenderOptions {
  /** @default Qubitro connections */
  readonly title?: string;
  /** Values that must not appear, e.g. `planSecrets(plan)`; each is replaced wherever it shows. */
  readonly secrets?: readonly string[];
}

/** Secrets shorter than this are not scrubbed from the text: they would match ordinary words. */
const MIN_SCRUBBED_LENGTH = 4;

export function renderReview(review: Review, options: RenderOptions = {}): string {
  const hide = scrubber(options.secrets ?? []);
  const lines = [`## ${options.title ?? 'Qubitro connections'}`, '', summary(review), ''];
  const someoneWasPlanned = review.stacks.some((s) => s.planned);
  const groups = new Map<string | undefined, ReviewedStack[]>();
  for (const stack of review.stacks) {
    groups.set(stack.environment, [...(groups.get(stack.environment) ?? []), stack]);
  }
  for (const [environment, stacks] of groups) {
    lines.push(environment === undefined ? '### Stacks' : `### Environment ${code(environment)}`, '');
    for (const stack of stacks) lines.push(...renderStack(stack, someoneWasPlanned, hide), '');
  }
  return hide(`${lines.join('\n').trimEnd()}\n`);
}

function summary(review: Review): string {
  const environments = new Set(review.stacks.map((s) => s.environment).filter((e) => e !== undefined));
  const counts =
    plural(review.stacks.length, 'stack') +
    (environments.size ? ` in ${plural(environments.size, 'environment')}` : '');
  const planned = review.stacks.filter((s) => s.planned);
  if (!planned.length) return `${counts}, from the synthesized code (no plan given).`;
  return `${counts}; plan of ${plural(planned.length, 'stack')}: ${tally(planned.flatMap((s) => s.connections))}.`;
}

function tally(connections: readonly ReviewedConnection[]): string {
  const order = ['create', 'update', 'replace', 'delete', 'import', 'import, update', 'no-op'];
  const count = (a: string) => connections.filter((c) => c.action === a).length;
  const parts = order
    .filter((a) => count(a) > 0)
    .map((a) => `${count(a)} to ${a === 'no-op' ? 'leave unchanged' : a}`);
  return parts.length ? parts.join(', ') : 'no connections';
}

/** Replaces every secret in a text; see `scrubber`. */
export type Hide = (text: string) => string;

function renderStack(stack: ReviewedStack, othersPlanned: boolean, hide: Hide): string[] {
  const about = [
    stack.project !== undefined ? `project ${code(stack.project)}` : '',
    stack.endpoint ? code(stack.endpoint) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const heading = `#### ${code(stack.name)}${about ? ` — ${about}` : ''}`;
  if (!stack.connections.length) return [heading, '', '_No connections._'];
  const columns = [
    ...(stack.planned ? ['Action'] : []),
    'Connection',
    'Qubitro project',
    'Destination',
    'Options',
    'Secrets',
    ...(stack.planned ? ['Changes'] : []),
  ];
  const rows = stack.connections.map((c) => [
    ...(stack.planned ? [c.action ? `**${c.action}**` : 'not in plan'] : []),
    `${c.name !== undefined ? plain(c.name) : '(no name)'}<br>${code(c.id)}`,
    c.projectId !== undefined ? code(String(c.projectId)) : '—',
    c.destination !== undefined ? plain(String(c.destination)) : '—',
    Object.entries(c.options)
      .map(([k, v]) => code(`${k}: ${show(v, hide)}`))
      .join('<br>') || '—',
    c.secrets.map(secretCell).join('<br>') || '—',
    ...(stack.planned ? [changesCell(c, hide)] : []),
  ]);
  const table = markdownTable(columns, rows);
  const footer = stack.planned
    ? ['', `Plan: ${tally(stack.connections)}.`]
    : othersPlanned
      ? ['', '_No plan given for this stack: from the code only._']
      : [];
  return [heading, '', ...table, ...footer];
}

function secretCell(s: ReviewedSecret): string {
  const status = s.status ? `: **${s.status}**` : '';
  const source = s.source
    ? ` (from ${s.source.startsWith('TF_VAR_') ? code(s.source) : plain(s.source)})`
    : '';
  return `${plain(secretLabel(s.path))}${status}${source}`;
}

function changesCell(c: ReviewedConnection, hide: Hide): string {
  const fields = (c.changes ?? []).map((change) => changeText(change, hide));
  const secrets =
    c.action === 'create' || c.action === 'delete'
      ? []
      : c.secrets.filter((s) => s.status && s.status !== 'unchanged');
  const all = [...fields, ...secrets.map((s) => `${plain(secretLabel(s.path))}: ${s.status}`)];
  return all.join('<br>') || '—';
}

function changeText(change: FieldChange, hide: Hide): string {
  const field = code(change.path.replace(/^configuration\./, ''));
  if (change.hidden) return `${field}: changed (holds a secret, not shown)`;
  if (change.afterUnknown) {
    return `${field}: ${change.before === undefined ? 'added' : `${code(show(change.before, hide))} →`} (known after apply)`;
  }
  if (change.before === undefined) return `${field}: added ${code(show(change.after, hide))}`;
  if (change.after === undefined) return `${field}: removed (was ${code(show(change.before, hide))})`;
  return `${field}: ${code(show(change.before, hide))} → ${code(show(change.after, hide))}`;
}

/** A Markdown table; cells are already escaped (`code`, `plain`). */
export function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [columns, columns.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A value as a reviewer reads it: JSON, scrubbed, then shortened (a cut secret would escape the scrub). */
function show(value: unknown, hide: Hide): string {
  const json = hide(JSON.stringify(value) ?? 'null');
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Inline code inside a table cell (pipes escaped); text with a backtick is shown plain instead. */
export function code(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.includes('`') ? plain(oneLine) : `\`${oneLine.replace(/\|/g, '\\|')}\``;
}

/** Text with Markdown and HTML special characters escaped, on one line. */
export function plain(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * The base64 characters that depend on the secret alone, whatever bytes surround it (`user:secret` in a
 * Basic header): one per alignment of its first byte in a 3-byte group, standard and URL-safe alphabets.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [0, 1, 2].flatMap((offset) => {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const core = padded
      .toString('base64')
      .slice(Math.ceil((offset * 8) / 6), Math.floor((padded.length * 8) / 6));
    return [core, core.replace(/\+/g, '-').replace(/\//g, '_')];
  });
}

/** A secret as it is, JSON-escaped, URL- and form-encoded, and in base64. */
function encodings(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    ...base64Cores(secret),
  ];
}

/** Replaces each secret in each of its encodings, as it is and as the renderer would escape it. */
export function scrubber(secrets: readonly string[]): Hide {
  const forms = secrets
    .filter((s) => s.length >= MIN_SCRUBBED_LENGTH)
    .flatMap(encodings)
    .flatMap((s) => [s, plain(s), code(s).slice(1, -1)])
    .filter((f) => f.length >= MIN_SCRUBBED_LENGTH);
  const longestFirst = [...new Set(forms)].sort((a, b) => b.length - a.length);
  return (text) => longestFirst.reduce((t, f) => t.split(f).join(REDACTED), text);
}
