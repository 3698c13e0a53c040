/** Runs a zod schema over construct props, skipping unresolved tokens, and raises library errors. */
import { Token } from './framework';
import { z } from 'zod';
import { FieldProblem, invalidProps, plaintextSecret } from './errors';
import { closestKey, knownKeys, splitRule } from './schema/rules';
import { isSecretReference, unsafePlaintextOf } from './secrets';
import { valueAtPath } from './json-path';

export function fieldName(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

/** Whether the value at `path`, or any value on the way to it, is a token resolved only at deploy time. */
function passesThroughToken(input: unknown, path: PropertyKey[]): boolean {
  let current: unknown = input;
  for (const key of path) {
    if (Token.isUnresolved(current)) return true;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return Token.isUnresolved(current);
}

export interface ValidateOptions {
  /** Props that hold secrets, with the variable name to suggest in the error. */
  readonly secrets?: Record<string, string>;
  /** Props the construct takes that the schema does not check (e.g. `api`, checked by another construct). */
  readonly otherProps?: readonly string[];
  /**
   * For an unknown top-level prop that holds a secret (`clientSecret` on a construct that reads it from a
   * variable): the fix, naming the variable; undefined for any other prop.
   */
  readonly inlineSecretFix?: (prop: string) => string | undefined;
}

/**
 * An unknown prop, with the closest known one: `cdktf synth` runs through tsx, which does not type-check,
 * so a misspelt prop would otherwise be dropped without a word.
 */
function unknownProp(
  input: unknown,
  path: PropertyKey[],
  key: string,
  known: readonly string[],
  secrets: Record<string, string>,
  inlineSecretFix?: (prop: string) => string | undefined,
): FieldProblem {
  const closest = closestKey(known, key);
  const secretFix = !closest ? inlineSecretFix?.(key) : undefined;
  if (secretFix !== undefined) {
    return {
      field: key,
      value: undefined,
      secret: true,
      allowed: `one of the props ${known.join(', ')} (a secret comes from a variable, never a prop)`,
      fix: secretFix,
    };
  }
  return {
    field: fieldName([...path, key]),
    value: valueAtPath(input, [...path, key]),
    // A misspelt secret prop may hold the secret itself: never show it.
    secret:
      (closest !== undefined && closest in secrets) ||
      /secret|token|key|passw|conn_?str|connection_?string|dsn/i.test(key),
    allowed: `one of the props ${known.join(', ')}`,
    fix: closest ? `rename it to ${closest}` : 'remove it, or correct its spelling',
  };
}

/**
 * Validates `props` against `schema` in the constructor. Tokens are skipped (their value is known only at
 * deploy time); secrets must be tokens, and those passed through unsafePlaintextSecret are checked redacted.
 */
export function validateProps(
  constructPath: string,
  schema: z.ZodType,
  props: object,
  options: ValidateOptions = {},
): void {
  const secrets = options.secrets ?? {};
  const input: Record<string, unknown> = { ...props };
  for (const [field, variable] of Object.entries(secrets)) {
    const value = input[field];
    if (value === undefined) continue;
    if (!isSecretReference(value)) throw plaintextSecret(constructPath, field, variable);
    const plain = unsafePlaintextOf(value as string);
    if (plain !== undefined) input[field] = plain;
  }
  const topKnown = [...knownKeys(schema, []), ...(options.otherProps ?? [])];
  const problems: FieldProblem[] = Object.keys(input)
    .filter((k) => input[k] !== undefined && !topKnown.includes(k))
    .map((k) => unknownProp(input, [], k, topKnown, secrets, options.inlineSecretFix));
  const result = schema.safeParse(input);
  for (const issue of result.success ? [] : result.error.issues) {
    if (passesThroughToken(input, issue.path)) continue;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      problems.push(...issue.keys.map((k) => unknownProp(input, issue.path, k, known, secrets)));
      continue;
    }
    problems.push({
      field: fieldName(issue.path),
      value: valueAtPath(input, issue.path),
      secret: issue.path.length > 0 && String(issue.path[0]) in secrets,
      ...splitRule(issue.message),
    });
  }
  if (problems.length) throw invalidProps(constructPath, problems);
}
