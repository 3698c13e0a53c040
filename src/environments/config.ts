/**
 * Reads an environments config (YAML, or an object) and checks it with the environments schema. A bad file
 * fails with one ConfigError that lists every problem as `file:line: invalid path: received value; allowed:
 * …. Fix: …`. Secret values are never shown: the file should hold variable names only, and a key that looks
 * like an inline secret is rejected with its value redacted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigProblem, invalidConfig, unreadableConfig } from '../errors';
import { environmentsConfigSchema, type EnvironmentsConfig } from '../schema/environments';
import { closestKey, knownKeys, splitRule } from '../schema/rules';
import { fieldName } from '../validate';
import { valueAtPath } from '../json-path';
import type { ConfigPath, ResolvedStack } from './resolve';
import { checkEnvironmentsConfig } from './rules';

export interface EnvironmentsConfigSource {
  /** The file, as named in error messages. */
  readonly file: string;
  /** The folder relative paths (`stateDir`) are resolved against: the file's folder. */
  readonly baseDir: string;
  readonly config: EnvironmentsConfig;
}

export interface ConfigSourceOptions {
  /** How messages name the config. @default environments.yaml */
  readonly file?: string;
  /** @default the folder of `file`, or the working directory */
  readonly baseDir?: string;
}

/** Reads and checks a YAML environments config; throws a ConfigError naming the file, path, value and fix. */
export function loadEnvironmentsConfig(file: string): EnvironmentsConfigSource {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadableConfig(
      file,
      `cannot read the environments config (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'check the path; it is resolved against the working directory',
    );
  }
  return parseEnvironmentsConfig(text, { file, baseDir: path.dirname(path.resolve(file)) });
}

/** Parses YAML text and checks it (see `loadEnvironmentsConfig`). */
export function parseEnvironmentsConfig(
  text: string,
  options: ConfigSourceOptions = {},
): EnvironmentsConfigSource {
  const file = options.file ?? 'environments.yaml';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true });
  const [syntax] = doc.errors;
  // Checked before any recursive walk (the parser's, toJS, the schema's), which a deep file would overflow.
  const deep = deepestNode(doc);
  if (deep || syntax?.message.includes('call stack')) {
    throw unreadableConfig(
      file,
      `nested more than ${MAX_DEPTH} levels deep`,
      `an environments config needs fewer than 10 levels: remove the nesting (a generated or pasted file?)`,
      lines.linePos(deep ?? syntax!.pos[0]).line,
    );
  }
  if (syntax) {
    // Some parser messages quote a few characters of the source after a colon: never echo the file.
    const reason = syntax.code === 'BAD_DQ_ESCAPE' ? 'Invalid escape sequence' : syntax.message.split(':')[0];
    throw unreadableConfig(
      file,
      `not valid YAML: ${reason}`,
      'correct the YAML syntax on that line',
      lines.linePos(syntax.pos[0]).line,
    );
  }
  const reserved = reservedKeys(doc, lines);
  if (reserved.length) throw invalidConfig(file, reserved);
  return checkConfig(
    doc.toJS({ maxAliasCount: 100 }),
    file,
    options.baseDir ?? baseDirOf(options.file),
    (p) => lineOf(doc, lines, p),
  );
}

/** Deeper than any environments config: its deepest field (an override's alarm byDays) is 9 levels down. */
const MAX_DEPTH = 64;

/** The offset of the first node nested deeper than MAX_DEPTH, walked without recursion; undefined if none. */
function deepestNode(doc: Document): number | undefined {
  const pending: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, depth } = next;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= MAX_DEPTH) return (node as { range?: number[] }).range?.[0] ?? 0;
    for (const item of node.items) {
      const values = isPair(item) ? [item.key, item.value] : [item];
      pending.push(...values.map((v) => ({ node: v, depth: depth + 1 })));
    }
  }
  return undefined;
}

/** Keys JavaScript gives a meaning to: read into an object, they would change its prototype or shadow it. */
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Each mapping key of the file that is a RESERVED_KEYS name, with its path and line. */
function reservedKeys(doc: Document, lines: LineCounter): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  const pending: { node: unknown; at: ConfigPath }[] = [{ node: doc.contents, at: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, at } = next;
    if (isSeq(node)) node.items.forEach((item, i) => pending.push({ node: item, at: [...at, i] }));
    if (!isMap(node)) continue;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key === 'string' && RESERVED_KEYS.includes(key)) {
        const offset = (pair.key as { range?: number[] }).range?.[0];
        found.push({
          field: fieldName([...at, key]),
          value: undefined,
          allowed: `the keys of the environments schema; never ${RESERVED_KEYS.join(', ')}`,
          fix: `remove ${key} and what it holds`,
          line: offset === undefined ? undefined : lines.linePos(offset).line,
        });
      } else if (typeof key === 'string' || typeof key === 'number') {
        pending.push({ node: pair.value, at: [...at, key] });
      }
    }
  }
  return found.reverse();
}

/** Checks a config given as an object, e.g. built in code. */
export function validateEnvironmentsConfig(
  value: unknown,
  options: ConfigSourceOptions = {},
): EnvironmentsConfigSource {
  return checkConfig(
    value,
    options.file ?? 'environments config',
    options.baseDir ?? baseDirOf(options.file),
    () => undefined,
  );
}

function baseDirOf(file: string | undefined): string {
  return file ? path.dirname(path.resolve(file)) : process.cwd();
}

function checkConfig(
  value: unknown,
  file: string,
  baseDir: string,
  lineAt: (p: ConfigPath) => number | undefined,
): EnvironmentsConfigSource {
  // The schema checks the shape; the cross-field rules (references, unique names, …) run once it holds.
  const result = environmentsConfigSchema.safeParse(value);
  if (!result.success) throw configErrorOf(file, result.error.issues, value, lineAt);
  const { problems, stacks } = checkEnvironmentsConfig(result.data);
  if (problems.length) {
    throw invalidConfig(
      file,
      problems.map((p) => ({
        field: fieldName(p.path) || '(the whole file)',
        value: p.value,
        secret: p.secret,
        allowed: p.allowed,
        fix: p.fix,
        line: lineAt(p.path),
      })),
    );
  }
  const source = { file, baseDir, config: result.data };
  checked.set(source, { snapshot: snapshotOf(source), stacks });
  return source;
}

/**
 * Each source this module returned, as it was checked, with its resolved stacks: adding an unchanged source
 * does not check and resolve it again.
 */
const checked = new WeakMap<
  EnvironmentsConfigSource,
  { readonly snapshot: string; readonly stacks: readonly ResolvedStack[] }
>();

function snapshotOf(source: EnvironmentsConfigSource): string {
  return JSON.stringify([source.file, source.baseDir, source.config]);
}

/**
 * A source and its stacks: a file is loaded; a source this module returned, unchanged since, is taken as
 * checked; any other (built in code, or edited after loading) is checked first: the schema is the only way in.
 */
export function checkedSource(source: string | EnvironmentsConfigSource): {
  readonly source: EnvironmentsConfigSource;
  readonly stacks: readonly ResolvedStack[];
} {
  const loaded =
    typeof source === 'string'
      ? loadEnvironmentsConfig(source)
      : checked.get(source)?.snapshot === snapshotOf(source)
        ? source
        : validateEnvironmentsConfig(source.config, source);
  return { source: loaded, stacks: checked.get(loaded)!.stacks };
}

/** The ConfigError for zod issues of the environments schema, one problem per issue (per key when unknown). */
function configErrorOf(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  lineAt: (p: ConfigPath) => number | undefined = () => undefined,
): ConfigError {
  const problems = issues.flatMap((issue): ConfigProblem[] => {
    const at = issue.path as ConfigPath;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        ...unknownKey(at, key, valueAtPath(input, [...at, key]), input),
        line: lineAt([...at, key]),
      }));
    }
    const { allowed, fix } = splitRule(
      issue.code === 'invalid_key' ? issue.issues[0].message : issue.message,
    );
    // A refused record key is the key itself.
    const value = issue.code === 'invalid_key' ? at[at.length - 1] : valueAtPath(input, at);
    return [
      {
        field: fieldName(at) || '(the whole file)',
        value,
        secret: mayBeSecret(at, value),
        allowed,
        fix,
        line: lineAt(at),
      },
    ];
  });
  return invalidConfig(file, problems);
}

/**
 * A value refused in a `…Variable` field might be a pasted secret rather than a name: show it only when it
 * looks like a name.
 */
function mayBeSecret(at: ConfigPath, value: unknown): boolean {
  const last = at[at.length - 1];
  return typeof last === 'string' && /Variable$/.test(last) && !/^[A-Za-z0-9_]{0,64}$/.test(String(value));
}

/** Keys that hold a secret value: the file names variables instead. */
const SECRET_KEY =
  /secret|passw|token|credential|signing|api_?key|access_?key|private_?key|as_?key|customer_?key|conn_?str|connection_?string|dsn/i;

function secretFix(at: ConfigPath, key: string): string {
  const where = at.join('.');
  if (/\bs3\b/.test(where)) {
    return 'remove it: give S3 credentials through AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or a role';
  }
  if (/\bremote\b/.test(where)) return 'remove it: log in with `tofu login <host>` or set TF_TOKEN_<host>';
  if (/\bpg\b/.test(where)) {
    return 'remove it: export the connection string as PG_CONN_STR where the engine runs (the pg backend reads it there), e.g. a CI secret';
  }
  if (/client_?secret/i.test(key)) {
    const env = at[0] === 'environments' && typeof at[1] === 'string' ? at[1].replace(/-/g, '_') : '<env>';
    const variable = `${env}_thingpark_client_secret`;
    return `remove it: name the variable instead (clientSecretVariable: ${variable}) and set TF_VAR_${variable}`;
  }
  if (/bearer|^token$/i.test(key)) return 'remove it: name the variable instead with bearerTokenVariable';
  if (/signing|webhook/i.test(key)) {
    return 'remove it: name the variable instead with signingKeyVariable (default <env>_<project>_signing_key) and set TF_VAR_<that name>';
  }
  if (/as_?key/i.test(key)) {
    return 'remove it: a downlink AS key cannot come from this file; declare that connection in code with a sensitive variable';
  }
  return 'remove it: this file holds the names of variables, never secret values; set the secret as TF_VAR_<name>';
}

/** Keys that belong elsewhere in the file, with where to put them. */
const MISPLACED: Record<string, string> = {
  importFrom: 'move it under overrides.<env>.importFrom: each environment has its own connection ids',
};

function unknownKey(
  at: ConfigPath,
  key: string,
  value: unknown,
  input: unknown,
): Omit<ConfigProblem, 'line'> {
  const known = knownKeys(environmentsConfigSchema, at, input);
  const allowed = `one of the keys ${known.join(', ')}`;
  const field = fieldName([...at, key]);
  const closest = closestKey(known, key);
  // A secret's variable named for another kind (signingKeyVariable on a tago project): the name of this kind's.
  const variableKeys = at[0] === 'projects' ? known.filter((k) => /Variable$/.test(k)) : [];
  if (/Variable$/.test(key) && !closest && variableKeys.length) {
    return {
      field,
      value,
      secret: !/^[A-Za-z0-9_]{0,64}$/.test(String(value)),
      allowed,
      fix: `rename it to ${variableKeys.join(' or ')}, the variable this project's kind reads its secret from`,
    };
  }
  // A secret-like key is always redacted; a misspelt known key (tokenURL) still gets its suggestion.
  const secret = SECRET_KEY.test(key);
  if (secret && !closest) {
    return {
      field,
      value,
      secret,
      allowed: `${allowed} (the file holds variable names, never secret values)`,
      fix: secretFix(at, key),
    };
  }
  const fix = Object.hasOwn(MISPLACED, key)
    ? MISPLACED[key]
    : closest
      ? `rename it to ${closest}`
      : 'remove it, or correct its spelling';
  return { field, value, secret, allowed, fix };
}

/** The line of the value at `at`, or of the nearest enclosing node that exists (e.g. for a missing key). */
function lineOf(doc: Document, lines: LineCounter, at: ConfigPath): number | undefined {
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: number[] } | null)?.range?.[0];
  for (const key of at) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      offset = (pair.key as { range?: number[] }).range?.[0] ?? offset;
      node = pair.value;
      offset = (node as { range?: number[] } | null)?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
      node = node.items[key];
      offset = (node as { range?: number[] }).range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
