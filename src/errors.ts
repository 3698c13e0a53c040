/**
 * Every error the library raises. Each message names the construct path (or the file and line), the field,
 * the value received (redacted for secrets), what is allowed and how to fix it. A secret's value is in no
 * property of an error either: Node prints every property of an uncaught error.
 */
import { inspect, InspectOptionsStylized } from 'node:util';

export interface FieldProblem {
  /** Dotted field path relative to the construct's props, e.g. `alarms[0].timezone`. */
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
  readonly fix: string;
  readonly secret?: boolean;
}

/** What stands for a secret in every message and review (plain text, so Markdown does not hide it as a tag). */
export const REDACTED = '(redacted)';

/**
 * The bidi controls and the line and paragraph separators, as the body of a regex character class: text holding
 * them reads differently from what it holds. The input rules refuse them; messages show them escaped.
 */
export const BIDI_AND_LINE_SEPARATORS = String.raw`\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029`;

const REORDERING = new RegExp(`[${BIDI_AND_LINE_SEPARATORS}]`, 'g');

/** A character as a `\uXXXX` escape (its first UTF-16 code unit), readable in JSON, HCL and messages. */
export function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function show(value: unknown, secret: boolean | undefined): string {
  if (secret) return REDACTED;
  if (value === undefined) return 'nothing';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    // A construct or another object with cycles (e.g. an IotFlowApi passed under a misspelt prop).
    json = `a ${value?.constructor?.name ?? 'value'}`;
  }
  // A bidi control or line separator shown raw would reorder or break the message itself.
  const visible = json.replace(REORDERING, unicodeEscape);
  return visible.length > 120 ? `${visible.slice(0, 117)}...` : visible;
}

function line(p: FieldProblem): string {
  return `${p.field}: received ${show(p.value, p.secret)}; allowed: ${p.allowed}. Fix: ${p.fix}`;
}

function withSecretsRedacted<P extends FieldProblem>(problems: readonly P[]): readonly P[] {
  return problems.map((p) => (p.secret ? { ...p, value: REDACTED } : p));
}

/** Set (to anything but empty or 0) to print refused input with its JS stack and every property. */
export const DEBUG_VARIABLE = 'THINGPARK_QUBITRO_DEBUG';

function debugging(): boolean {
  const v = process.env[DEBUG_VARIABLE];
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * Input the library refuses: `problems` lists each problem, a secret's value redacted. Printed as its message
 * alone (the message already holds every problem): an uncaught one would otherwise show a stack into the
 * library and dump `problems`, and `cdktf synth` prints the child's output twice. Node prints an uncaught
 * error with `customInspect: false`, so the details are non-enumerable and `stack` is the message; both come
 * back with THINGPARK_QUBITRO_DEBUG=1.
 */
export abstract class InputError<P extends FieldProblem = FieldProblem> extends Error {
  declare public readonly problems: readonly P[];
  protected constructor(message: string, problems: readonly P[], details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    const debug = debugging();
    for (const [key, value] of Object.entries({ ...details, problems: withSecretsRedacted(problems) })) {
      Object.defineProperty(this, key, { value, enumerable: debug });
    }
    if (!debug) {
      Object.defineProperty(this, 'stack', {
        value: `${this.name}: ${message}`,
        writable: true,
        configurable: true,
      });
    }
  }

  /** What `console.log`/`util.inspect` show: the message, unless debugging. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    return debugging() ? show(this, { ...options, customInspect: false }) : `${this.name}: ${this.message}`;
  }
}

/** Props a construct refuses. */
export class ValidationError extends InputError {
  /** The construct whose props are refused, e.g. `dev-farm/Uplinks`. */
  declare public readonly constructPath: string;
  constructor(message: string, constructPath: string, problems: readonly FieldProblem[]) {
    super(message, problems, { constructPath });
  }
}

export function invalidProps(constructPath: string, problems: FieldProblem[]): ValidationError {
  const [first, ...rest] = problems;
  const more = rest.map((p) => `\n  - ${line(p)}`).join('');
  return new ValidationError(`${constructPath}: invalid ${line(first)}${more}`, constructPath, problems);
}

export function plaintextSecret(constructPath: string, field: string, variableHint: string): ValidationError {
  return invalidProps(constructPath, [
    {
      field,
      value: undefined,
      secret: true,
      allowed:
        'a token from a sensitive variable; a plain string would be written to cdk.tf.json and the plan',
      fix:
        `declare \`new TerraformVariable(stack, '${variableHint}', { type: 'string', sensitive: true })\`, ` +
        `pass its \`.stringValue\`, and set TF_VAR_${variableHint} in the environment of \`cdktf deploy\` (\`cdktn deploy\`) ` +
        '(or wrap the value in unsafePlaintextSecret() if it may be stored in plain text)',
    },
  ]);
}

export function duplicateConnectionName(
  constructPath: string,
  name: string,
  otherPath: string,
): ValidationError {
  return invalidProps(constructPath, [
    {
      field: 'name',
      value: name,
      allowed: `a name not used by another connection on the same IotFlowApi (${otherPath} has it)`,
      fix: 'give each connection of one ThingPark endpoint its own name',
    },
  ]);
}

export function authenticationChoice(constructPath: string, given: string[]): ValidationError {
  return invalidProps(constructPath, [
    {
      field: 'clientId/clientSecret/bearerToken',
      value: given.length ? given.join(' + ') : undefined,
      allowed: 'either clientId with clientSecret (OAuth2 client credentials) or bearerToken, not both',
      fix: 'pass clientId and clientSecret from your ThingPark service account, or only bearerToken',
    },
  ]);
}

export function tokenUrlNeeded(constructPath: string): ValidationError {
  return invalidProps(constructPath, [
    {
      field: 'tokenUrl',
      value: undefined,
      allowed: 'an explicit token URL when baseUrl is only known at deploy time',
      fix: 'pass tokenUrl, e.g. https://<host>/users-auth/protocol/openid-connect/token',
    },
  ]);
}

/** A plan-time message (Terraform interpolates `ids`): several connections could be the one to adopt. */
export function ambiguousAdoption(constructPath: string, name: string, ids: string): string {
  return (
    `${constructPath}: several connections on this endpoint are named "${name}" (ids ${ids}), so none is adopted. ` +
    'Fix: delete or rename the extra ones in ThingPark, or pick one with importFrom, or remove adoptExisting to fail instead of adopting.'
  );
}

/** A problem in a config file, at a path such as `projects[2].connections[0].projectId`. */
export interface ConfigProblem extends FieldProblem {
  /** The 1-based line of the value in the file, when known. */
  readonly line?: number;
}

/** An environments config that cannot be read or breaks a rule. */
export class ConfigError extends InputError<ConfigProblem> {
  /** The config file, as the caller named it. */
  declare public readonly file: string;
  constructor(message: string, file: string, problems: readonly ConfigProblem[]) {
    super(message, problems, { file });
  }
}

/** One line per problem, `file:line: invalid path: received …; allowed: …. Fix: …`. */
export function invalidConfig(file: string, problems: ConfigProblem[]): ConfigError {
  const lines = problems.map((p) => `${file}${p.line ? `:${p.line}` : ''}: invalid ${line(p)}`);
  return new ConfigError(lines.join('\n'), file, problems);
}

/** A config file that is missing or is not YAML; `reason` never quotes the file's content. */
export function unreadableConfig(
  file: string,
  reason: string,
  fix: string,
  lineNumber?: number,
): ConfigError {
  return new ConfigError(`${file}${lineNumber ? `:${lineNumber}` : ''}: ${reason}. Fix: ${fix}`, file, []);
}

/** An input of `qubitro-review` (a synthesized app, a plan) that cannot be read or matched to one stack. */
export class ReviewError extends Error {
  constructor(
    message: string,
    /** The file the problem is in. */
    public readonly file: string,
  ) {
    super(message);
    this.name = 'ReviewError';
  }
}

export function unreadableReviewFile(file: string, code: string | undefined): ReviewError {
  return new ReviewError(`cannot read ${file} (${code ?? 'error'})`, file);
}

export function synthesizedAppMissing(manifestFile: string): ReviewError {
  return new ReviewError(
    `${manifestFile} not found: run \`cdktf synth\` (\`cdktn synth\`) first, or pass --out <cdktf.out folder>`,
    manifestFile,
  );
}

/** A file that is not JSON. The parser's own message is never kept: it quotes the text, which may hold secrets. */
export function invalidJson(file: string, fix: string): ReviewError {
  return new ReviewError(`${file} is not valid JSON: ${fix}`, file);
}

export function notPlanJson(file: string): ReviewError {
  return new ReviewError(
    `${file} is not a plan in JSON: write it with \`tofu plan -out=plan\` then \`tofu show -json plan > ${file}\``,
    file,
  );
}

export function planShowFailed(engine: string, file: string, why: string): ReviewError {
  return new ReviewError(
    `\`${engine} show -json ${file}\` failed: ${why}. Run it where the plan was made (after \`${engine} init\`), ` +
      'with the engine on PATH (eval "$(npx qubitro-engine install)")',
    file,
  );
}

export function planStackUnknown(file: string, stack: string, stacks: readonly string[]): ReviewError {
  return new ReviewError(
    `--plan ${stack}=${file}: no stack ${stack} in cdktf.out (${stacks.join(', ')})`,
    file,
  );
}

/** A plan that matches no stack, or several (`candidates`), by its resources and endpoints. */
export function planStackUnmatched(
  file: string,
  candidates: readonly string[],
  stacks: readonly string[],
): ReviewError {
  return new ReviewError(
    `${file}: ${candidates.length ? `matches several stacks (${candidates.join(', ')})` : 'matches no stack of cdktf.out'}; ` +
      `name it with --plan <stack>=${file} (stacks: ${stacks.join(', ')}), and synthesize again if the code changed`,
    file,
  );
}

export function duplicatePlans(file: string, otherFile: string, stack: string): ReviewError {
  return new ReviewError(`${file} and ${otherFile} are both plans of stack ${stack}: pass one`, file);
}

/** `qubitro-verify` cannot authenticate: a credential the stack reads from a variable is not in the environment. */
export function verifyCredentialMissing(
  stack: string,
  attribute: string,
  variable: string | undefined,
): ReviewError {
  return new ReviewError(
    variable === undefined
      ? `stack ${stack}: ${attribute} is neither a variable nor a value: synthesize the app again`
      : `stack ${stack}: ${attribute} needs ${variable} in the environment (as the deploy does): export it and run again`,
    stack,
  );
}
