import { errorReply, type Reply } from './http';
import { isPlainObject } from './json';
import { MAX_DELAY_MS } from './options';

/** One rule as posted to `/__emulator/faults`. */
export interface FaultRule {
  /** HTTP method to match (case-insensitive); any when omitted. */
  method?: string;
  /**
   * Pattern tested against the full request path (with prefix, without query string): text that must
   * appear in it, where `*` stands for any run of characters; a leading `^` anchors it at the start and a
   * trailing `$` at the end. Not a regular expression: other metacharacters are refused.
   */
  path?: string;
  /** Answer this status with a JSON error body instead of processing the call. */
  status?: number;
  /** How many matching calls the rule affects. */
  times: number;
  /** Value of the `Retry-After` header sent with `status`. */
  retryAfter?: number | string;
  /** Wait this long first; without `status` the call is then processed normally. */
  delayMs?: number;
  /** Process the call, then destroy the socket without answering: a response lost after commit. */
  dropAfterCommit?: boolean;
}

export type FaultRules = { ok: true; rules: FaultRule[] } | { ok: false; message: string };

const KEYS = new Set(['method', 'path', 'status', 'times', 'retryAfter', 'delayMs', 'dropAfterCommit']);

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function ruleError(rule: unknown): string | undefined {
  if (!isPlainObject(rule)) return 'must be an object';
  const unknown = Object.keys(rule).find((key) => !KEYS.has(key));
  if (unknown !== undefined) return `has unknown field ${unknown}`;
  if (!isIntegerIn(rule.times, 1, Number.MAX_SAFE_INTEGER)) return 'times must be a positive integer';
  if (rule.method !== undefined && (typeof rule.method !== 'string' || rule.method === '')) {
    return 'method must be a non-empty string';
  }
  if (rule.path !== undefined) {
    if (typeof rule.path !== 'string') return 'path must be a string';
    const error = pathPatternError(rule.path);
    if (error !== undefined) return error;
  }
  if (rule.status !== undefined && !isIntegerIn(rule.status, 200, 599)) {
    return 'status must be an integer from 200 to 599';
  }
  if (rule.delayMs !== undefined && !isIntegerIn(rule.delayMs, 0, MAX_DELAY_MS)) {
    return 'delayMs must be a non-negative integer';
  }
  if (rule.dropAfterCommit !== undefined && typeof rule.dropAfterCommit !== 'boolean') {
    return 'dropAfterCommit must be a boolean';
  }
  if (rule.retryAfter !== undefined) {
    const valid =
      isIntegerIn(rule.retryAfter, 0, Number.MAX_SAFE_INTEGER) ||
      (typeof rule.retryAfter === 'string' && /^[\x20-\x7e]+$/.test(rule.retryAfter));
    if (!valid) return 'retryAfter must be a non-negative integer or an HTTP date string';
    if (rule.status === undefined) return 'retryAfter needs status';
  }
  if (rule.status !== undefined && rule.dropAfterCommit === true) {
    return 'status and dropAfterCommit exclude each other';
  }
  if (rule.status === undefined && rule.delayMs === undefined && rule.dropAfterCommit !== true) {
    return 'needs status, delayMs or dropAfterCommit';
  }
  return undefined;
}

export function parseFaultRules(input: unknown): FaultRules {
  if (!Array.isArray(input)) return { ok: false, message: 'Fault rules must be a JSON array' };
  for (const [index, rule] of input.entries()) {
    const error = ruleError(rule);
    if (error !== undefined) return { ok: false, message: `Fault rule ${index} ${error}` };
  }
  return { ok: true, rules: input as FaultRule[] };
}

const REGEX_ONLY = /[()|+?[\]{}\\.]/;
const MAX_PATTERN_LENGTH = 1024;

function pathPatternError(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `path must be at most ${MAX_PATTERN_LENGTH} characters`;
  const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  if (REGEX_ONLY.test(body) || body.includes('^') || body.includes('$')) {
    return 'path is a glob, not a regular expression: literal text, "*" for any characters, optional leading "^" and trailing "$"';
  }
  return undefined;
}

/**
 * A compiled path pattern. Matching is the classic greedy-star glob walk with one backtrack point: at
 * most O(pattern × path) steps, whatever the input, so no rule can stall the server.
 */
class PathPattern {
  private readonly glob: string;

  constructor(pattern: string) {
    const anchoredStart = pattern.startsWith('^');
    const anchoredEnd = pattern.length > (anchoredStart ? 1 : 0) && pattern.endsWith('$');
    const core = pattern.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
    this.glob = `${anchoredStart ? '' : '*'}${core}${anchoredEnd ? '' : '*'}`;
  }

  test(path: string): boolean {
    const glob = this.glob;
    let g = 0;
    let p = 0;
    let star = -1;
    let resume = 0;
    while (p < path.length) {
      if (g < glob.length && glob[g] !== '*' && glob[g] === path[p]) {
        g++;
        p++;
      } else if (g < glob.length && glob[g] === '*') {
        star = g++;
        resume = p;
      } else if (star >= 0) {
        g = star + 1;
        p = ++resume;
      } else {
        return false;
      }
    }
    while (g < glob.length && glob[g] === '*') g++;
    return g === glob.length;
  }
}

interface ArmedFault {
  rule: FaultRule;
  path?: PathPattern;
  remaining: number;
}

/** Rules are consumed in the order they were added; each matching call uses up one of its `times`. */
export class FaultInjector {
  private armed: ArmedFault[] = [];

  add(rules: FaultRule[]): void {
    for (const rule of rules) {
      const path = rule.path === undefined ? undefined : new PathPattern(rule.path);
      this.armed.push({ rule, path, remaining: rule.times });
    }
  }

  /** The rule that applies to this call, if any, counting it as used. */
  take(method: string, path: string): FaultRule | undefined {
    const fault = this.armed.find(
      (candidate) =>
        (candidate.rule.method === undefined || candidate.rule.method.toUpperCase() === method) &&
        (candidate.path === undefined || candidate.path.test(path)),
    );
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.armed = this.armed.filter((candidate) => candidate !== fault);
    return fault.rule;
  }

  clear(): void {
    this.armed = [];
  }
}

export function faultReply(status: number, retryAfter: number | string | undefined): Reply {
  const headers = retryAfter === undefined ? undefined : { 'Retry-After': String(retryAfter) };
  return errorReply(status, `com-fault-${status}`, `Injected fault: HTTP ${status}`, headers);
}
