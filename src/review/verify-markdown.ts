/** The verification as Markdown (the review's table and escaping helpers) and as JSON, scrubbed of secrets. */
import { code, markdownTable, plain, plural, scrubber } from './markdown';
import type { Check, Verification } from './verify';

const MARK = { true: '✅', false: '❌', undefined: '➖' } as const;

function checkCell(c: Check): string {
  return `${MARK[String(c.ok) as keyof typeof MARK]} ${plain(c.name)}: ${plain(c.detail)}`;
}

export function renderVerification(
  v: Verification,
  secrets: readonly string[],
  title = 'Qubitro delivery',
): string {
  const hide = scrubber(secrets);
  const failed = v.connections.filter((c) => c.verdict === 'not delivered');
  const delivered = v.connections.filter((c) => c.verdict === 'delivered');
  const lines = [
    `## ${title}`,
    '',
    `${plural(v.connections.length, 'Qubitro connection')}: ${delivered.length} delivered, ${failed.length} not delivered.`,
    '',
  ];
  if (v.connections.length) {
    const rows = v.connections.map((c) => [
      `**${c.verdict}**`,
      `${c.name !== undefined ? plain(c.name) : '(no name)'}<br>${code(`${c.stack}/${c.id}`)}`,
      c.projectId !== undefined ? code(c.projectId) : '—',
      c.checks.map(checkCell).join('<br>'),
      c.checks
        .filter((k) => k.ok === false && k.fix)
        .map((k) => plain(k.fix!))
        .join('<br>') || '—',
    ]);
    lines.push(...markdownTable(['Verdict', 'Connection', 'Qubitro project', 'Checks', 'Fix'], rows));
  }
  return hide(`${lines.join('\n').trimEnd()}\n`);
}

export function verificationJson(v: Verification, secrets: readonly string[]): string {
  return scrubber(secrets)(`${JSON.stringify(v, null, 2)}\n`);
}
