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

/** Rules armed at once, all calls included: matching one call tries at most this many patterns. */
export const MAX_FAULT_RULES = 50;
/** Pattern length bound: with `MAX_FAULT_RULES`, bounds the work one call can cost. */
export const MAX_PATTERN_LENGTH = 256;

export function parseFaultRules(input: unknown): FaultRules {
  if (!Array.isArray(input)) return { ok: false, message: 'Fault rules must be a JSON array' };
  if (input.length > MAX_FAULT_RULES) {
    return { ok: false, message: `Fault rules: at most ${MAX_FAULT_RULES} rules, got ${input.length}` };
  }
  for (const [index, rule] of input.entries()) {
    const error = ruleError(rule);
    if (error !== undefined) return { ok: false, message: `Fault rule ${index} ${error}` };
  }
  return { ok: true, rules: input as FaultRule[] };
}

const REGEX_ONLY = /[()|+?[\]{}\\.]/;

function pathPatternError(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `path must be at most ${MAX_PATTERN_LENGTH} characters`;
  const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  if (REGEX_ONLY.test(body) || body.includes('^') || body.includes('$')) {
    return 'path is a glob, not a regular expression: literal text, "*" for any characters, optional leading "^" and trailing "$"';
  }
  return undefined;
}

/** One literal piece of a pattern with its Knuth–Morris–Pratt table: a search never re-reads the path. */
class Piece {
  private readonly codes: Uint16Array;
  /** `fallback[i]`: length of the longest proper border of the piece's first `i + 1` characters. */
  private readonly fallback: Int32Array;

  constructor(readonly text: string) {
    const codes = Uint16Array.from(text, (_, i) => text.charCodeAt(i));
    const fallback = new Int32Array(Math.max(codes.length, 1));
    for (let i = 1, k = 0; i < codes.length; i++) {
      while (k > 0 && codes[i] !== codes[k]) k = fallback[k - 1];
      if (codes[i] === codes[k]) k++;
      fallback[i] = k;
    }
    this.codes = codes;
    this.fallback = fallback;
  }

  /** First index at or after `from` where the piece occurs in `path`, or -1: O(path + piece) steps. */
  indexIn(path: string, from: number): number {
    const { codes, fallback } = this;
    const length = codes.length;
    if (length === 0) return from <= path.length ? from : -1;
    for (let i = from, k = 0; i < path.length; i++) {
      const code = path.charCodeAt(i);
      while (k > 0 && code !== codes[k]) k = fallback[k - 1];
      if (code === codes[k]) k++;
      if (k === length) return i - length + 1;
    }
    return -1;
  }
}

/**
 * A compiled path pattern: the literal pieces between the stars, found left to right, each at its first
 * occurrence after the previous one. With only `*` as wildcard the leftmost choice is always right, so
 * there is no backtracking, and each piece is found in linear time: matching costs O(path + pattern)
 * whatever the input, so no rule can stall the server.
 */
class PathPattern {
  private readonly pieces: Piece[];
  private readonly anchoredStart: boolean;
  private readonly anchoredEnd: boolean;

  constructor(pattern: string) {
    this.anchoredStart = pattern.startsWith('^');
    this.anchoredEnd = pattern.length > (this.anchoredStart ? 1 : 0) && pattern.endsWith('$');
    const core = pattern.slice(this.anchoredStart ? 1 : 0, this.anchoredEnd ? -1 : undefined);
    this.pieces = core.split('*').map((text) => new Piece(text));
  }

  test(path: string): boolean {
    const pieces = this.pieces;
    const last = pieces.length - 1;
    let from = 0;
    for (let i = 0; i <= last; i++) {
      const piece = pieces[i].text;
      if (i === last && this.anchoredEnd) {
        const at = path.length - piece.length;
        return at >= from && path.endsWith(piece) && (i > 0 || !this.anchoredStart || at === 0);
      }
      const at =
        i === 0 && this.anchoredStart ? (path.startsWith(piece) ? 0 : -1) : pieces[i].indexIn(path, from);
      if (at < 0) return false;
      from = at + piece.length;
    }
    return true;
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

  /** Arms the rules, or none of them (and says why) when that would exceed `MAX_FAULT_RULES`. */
  add(rules: FaultRule[]): string | undefined {
    if (this.armed.length + rules.length > MAX_FAULT_RULES) {
      return `at most ${MAX_FAULT_RULES} fault rules armed at once: ${this.armed.length} armed, ${rules.length} more refused`;
    }
    for (const rule of rules) {
      const path = rule.path === undefined ? undefined : new PathPattern(rule.path);
      this.armed.push({ rule, path, remaining: rule.times });
    }
    return undefined;
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
