/** Runs a zod schema over construct props, skipping unresolved tokens, and raises library errors. */
import { Token } from 'cdktf';
import { z } from 'zod';
import { FieldProblem, invalidProps, plaintextSecret } from './errors';
import { splitRule } from './schema/rules';
import { isSecretReference, unsafePlaintextOf } from './secrets';

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

export function valueAt(input: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );
}

export interface ValidateOptions {
  /** Props that hold secrets, with the variable name to suggest in the error. */
  readonly secrets?: Record<string, string>;
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
  const result = schema.safeParse(input);
  if (result.success) return;
  const problems: FieldProblem[] = result.error.issues
    .filter((issue) => !passesThroughToken(input, issue.path))
    .map((issue) => ({
      field: fieldName(issue.path),
      value: valueAt(input, issue.path),
      secret: issue.path.length > 0 && String(issue.path[0]) in secrets,
      ...splitRule(issue.message),
    }));
  if (problems.length) throw invalidProps(constructPath, problems);
}
