/**
 * The connections' attributes again in Terraform's native syntax, as an override file beside `cdk.tf.json`.
 *
 * In the JSON syntax every string is a template that OpenTofu and Terraform parse again each time they ask
 * an expression for its references, its functions or its value: a third of the engine's CPU in an apply of
 * 1000 connections (bench/README.md). Native syntax is parsed once, when the configuration loads. An
 * override file (`*_override.tf`) replaces attributes of blocks declared elsewhere, so `cdk.tf.json` stays
 * the whole, readable description that `qubitro-review`, `cdktf diff` and reviewers read, and the engine
 * evaluates the same values from the override. Only what renders exactly is overridden: an attribute
 * holding anything but literals and plain references (`${var.x}`, `${iotflow_connection.a.id}`) keeps its
 * JSON form, and meta-arguments (`depends_on`, `lifecycle`, `provider`) cannot be overridden at all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IConstruct } from 'constructs';
import { unicodeEscape } from './errors';
import { TerraformStack, type IStackSynthesizer, type ISynthesisSession } from './framework';
import { CONNECTION_RESOURCE, CONNECTIONS_DATA_SOURCE } from './wire-format';

/** The override file written beside each stack's `cdk.tf.json`. */
export const NATIVE_OVERRIDE_FILE = 'iotflow_override.tf';

/** Block types whose schemas have attributes only (no nested blocks), so every non-meta key is one. */
export interface NativeTypes {
  readonly resources: readonly string[];
  readonly dataSources: readonly string[];
}

const OWN_TYPES: NativeTypes = { resources: [CONNECTION_RESOURCE], dataSources: [CONNECTIONS_DATA_SOURCE] };

/** Keys of a resource or data block that are not attributes of its schema. */
const META = new Set([
  '//',
  'count',
  'for_each',
  'provider',
  'depends_on',
  'lifecycle',
  'provisioner',
  'connection',
]);

/** `${a.b.c}`, `${a.b[0].c}`: one reference and nothing else, which native syntax writes bare. */
const REFERENCE = /^\$\{([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[0-9]+\])*)\}$/;
/** An interpolation or directive: `${` or `%{` not escaped as `$${`/`%%{`; runs of `$$$`/`%%%` are left to JSON. */
const TEMPLATE = /(?:^|[^$])\$\{|(?:^|[^%])%\{|\$\$\$|%%%/;

type Json = unknown;

/**
 * A JSON-syntax expression in native syntax, or undefined when it is not only literals and references.
 * A JSON string is a template whose literal text has no backslash escapes; a quoted native string is the
 * same template with `\` and `"` escaped, so `$${` and `%%{` escapes carry over unchanged.
 */
export function nativeExpression(value: Json, indent = '  '): string | undefined {
  if (typeof value === 'string') return nativeString(value);
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => nativeExpression(v, `${indent}  `));
    return items.every((i) => i !== undefined) ? collection('[', items as string[], ']', indent) : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, Json>).map(([k, v]) => {
      const key = literal(k);
      const expression = nativeExpression(v, `${indent}  `);
      return key === undefined || expression === undefined ? undefined : `${key} = ${expression}`;
    });
    return entries.every((e) => e !== undefined)
      ? collection('{', entries as string[], '}', indent)
      : undefined;
  }
  return undefined;
}

/** On one line when short, else one item a line (a list of 1000 ids stays readable in a diff). */
function collection(open: string, items: string[], close: string, indent: string): string {
  const line =
    open === '{' && items.length ? `{ ${items.join(', ')} }` : `${open}${items.join(', ')}${close}`;
  if (line.length <= 100 && !line.includes('\n')) return line;
  return `${open}\n${items.map((i) => `${indent}  ${i},`).join('\n')}\n${indent}${close}`;
}

function nativeString(s: string): string | undefined {
  return REFERENCE.exec(s)?.[1] ?? literal(s);
}

/** A string with no interpolation or directive, quoted for native syntax. */
function literal(s: string): string | undefined {
  if (TEMPLATE.test(s)) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  return `"${s.replace(/[\\"\u0000-\u001f\u007f\u2028\u2029]/g, escape)}"`;
}

function escape(c: string): string {
  const short: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return short[c] ?? unicodeEscape(c);
}

function blockLines(
  kind: string,
  labels: string[],
  body: Record<string, Json>,
  keys: (k: string) => boolean,
) {
  const attributes = Object.entries(body).flatMap(([k, v]) => {
    if (!keys(k)) return [];
    const expression = nativeExpression(v);
    return expression === undefined ? [] : [`  ${k} = ${expression}`];
  });
  if (!attributes.length) return [];
  return [`${kind} ${labels.map((l) => JSON.stringify(l)).join(' ')} {`, ...attributes, '}'];
}

/**
 * The override file for a stack's Terraform JSON: the attributes of its blocks of these types and the
 * values of its outputs, in native syntax; undefined when nothing renders.
 */
export function renderNativeOverride(
  tf: Record<string, Json>,
  types: NativeTypes = OWN_TYPES,
): string | undefined {
  const lines: string[] = [];
  const blocks = (kind: 'resource' | 'data', wanted: readonly string[]) => {
    const byType = (tf[kind] ?? {}) as Record<string, Record<string, Record<string, Json>>>;
    for (const type of wanted) {
      for (const [name, body] of Object.entries(byType[type] ?? {})) {
        lines.push(...blockLines(kind, [type, name], body, (k) => !META.has(k)));
      }
    }
  };
  blocks('resource', types.resources);
  blocks('data', types.dataSources);
  for (const [name, body] of Object.entries((tf.output ?? {}) as Record<string, Record<string, Json>>)) {
    lines.push(...blockLines('output', [name], body, (k) => k === 'value'));
  }
  if (!lines.length) return undefined;
  return [
    '# Generated at synth with cdk.tf.json, do not edit: the attributes of its connections again in native',
    '# syntax, which OpenTofu and Terraform parse once instead of on every evaluation (an override file).',
    ...lines,
    '',
  ].join('\n');
}

const installed = new WeakSet<TerraformStack>();

/**
 * Writes the stack's override file after its `cdk.tf.json` (or removes a stale one), by wrapping the stack's
 * synthesizer once. `Testing.synth` and `toTerraform()` are unchanged.
 */
export function useNativeOverride(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (installed.has(stack)) return;
  installed.add(stack);
  const inner = stack.synthesizer;
  const synthesizer: IStackSynthesizer = {
    synthesize(session: ISynthesisSession) {
      inner.synthesize(session);
      const stackFile = path.join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath);
      const file = path.join(path.dirname(stackFile), NATIVE_OVERRIDE_FILE);
      const text = stackFile.endsWith('.json')
        ? renderNativeOverride(JSON.parse(fs.readFileSync(stackFile, 'utf8')) as Record<string, Json>)
        : undefined;
      if (text === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, text);
    },
  };
  stack.synthesizer = synthesizer;
}
