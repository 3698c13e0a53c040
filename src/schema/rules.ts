/**
 * Shared input rules. A rule's message carries both what is allowed and how to fix it; `validate.ts` turns
 * zod issues into library errors with the construct path and the value.
 */
import { z } from 'zod';
import { BIDI_AND_LINE_SEPARATORS } from '../errors';
import { isLoopbackHost } from '../loopback';

const SEPARATOR = '\u0000';

/** A zod error message that tells what is allowed and how to fix a wrong value. */
export function rule(allowed: string, fix: string): { error: string } {
  return { error: `${allowed}${SEPARATOR}${fix}` };
}

/** The message for a value that should be a mapping (a YAML object). */
export const mapping = (what: string, example: string) =>
  rule(`${what}, as a mapping of keys`, `write it as indented key: value lines, e.g. ${example}`);

export function splitRule(message: string): { allowed: string; fix: string } {
  const [allowed, fix] = message.split(SEPARATOR);
  return { allowed, fix: fix ?? 'correct the value' };
}

// Control characters (C0, DEL and C1) are rejected everywhere; `"` and `\` in names and other text too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const PLAIN_TEXT = /^[^\u0000-\u001f\u007f-\u009f"\\]*$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;
// Characters that make text read differently from what it holds, in plans and the review: bidi controls, line
// and paragraph separators, and (with the u flag, only unpaired) surrogates. The provider's name rule
// refuses the same (Go: unicode.IsControl, unicode.Bidi_Control, U+2028/U+2029, invalid UTF-8).
const INVISIBLE = new RegExp(String.raw`[${BIDI_AND_LINE_SEPARATORS}]|[\ud800-\udfff]`, 'u');
const visible = (field: string) =>
  rule(
    'text without bidi controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), line separators (U+2028, U+2029) or lone surrogates',
    `remove them from ${field}: they make it read differently in plans and reviews`,
  );
// Terraform evaluates `${...}` and `%{...}` in every string of cdk.tf.json: user text is data, never a template.
const NO_TEMPLATE = /^(?![\s\S]*[$%]\{)/;
const noTemplate = (field: string) =>
  rule(
    'text without ${ or %{ (Terraform would read them as a template)',
    `remove those sequences from ${field}`,
  );

/** The nil (all 0) and max (all f) UUIDs, which zod's uuid() takes: a placeholder left in, never a real id. */
export const PLACEHOLDER_UUID = /^(0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;

/** A string that reaches cdk.tf.json as data: no control characters, no `${` or `%{`. */
export function dataString(field: string) {
  return z
    .string(rule('a string', `pass ${field} as text`))
    .regex(NO_CONTROL, rule('text without control characters', `remove them from ${field}`))
    .refine((v) => !INVISIBLE.test(v), visible(field))
    .regex(NO_TEMPLATE, noTemplate(field));
}

export function plainText(field: string, max: number) {
  return z
    .string(rule(`a string`, `pass ${field} as text`))
    .min(1, rule(`1 to ${max} characters`, `give ${field} a non-empty value`))
    .max(max, rule(`1 to ${max} characters`, `shorten ${field} to ${max} characters`))
    .regex(
      PLAIN_TEXT,
      rule(
        'text without control characters, double quotes or backslashes',
        `remove those characters from ${field}`,
      ),
    )
    .refine((v) => !INVISIBLE.test(v), visible(field))
    .regex(NO_TEMPLATE, noTemplate(field))
    .refine((v) => v.trim() !== '', rule('text that is not blank', `give ${field} a visible value`));
}

/** A URL string: data (no template, no control characters or quotes), and no `user:password@`. */
function urlString(field: string, example: string) {
  return z
    .string(rule('a URL', `pass ${field} as a string such as ${example}`))
    .regex(
      PLAIN_TEXT,
      rule('a URL without control characters, quotes or backslashes', `percent-encode them in ${field}`),
    )
    .regex(
      NO_TEMPLATE,
      rule(
        'a URL without ${ or %{ (Terraform would read them as a template)',
        `to use a variable, pass a TerraformVariable's value (its .stringValue) as ${field} instead of writing \${var.…}; ` +
          'a literal $ or % is percent-encoded as %24 or %25',
      ),
    )
    .refine(
      (v) => !URL.canParse(v) || (new URL(v).username === '' && new URL(v).password === ''),
      rule(
        'a URL without user:password@ (it would be printed in cdk.tf.json, plans and the review)',
        `remove the credentials from ${field}; pass secrets through variables`,
      ),
    );
}

export function httpsUrl(field: string, example: string) {
  return urlString(field, example)
    .refine(
      (v) => URL.canParse(v) && new URL(v).protocol === 'https:',
      rule('an https URL', `use ${example}`),
    )
    .refine(
      (v) => !v.includes('#'),
      rule(
        'a URL without #fragment (a fragment is never sent to the server)',
        `remove everything from # on in ${field}`,
      ),
    );
}

/** https, or http on a loopback host so a local emulator can be used; a base, so no query or fragment. */
export function apiUrl(field: string, example: string) {
  return urlString(field, example)
    .refine(
      (v) => !URL.canParse(v) || (new URL(v).search === '' && new URL(v).hash === '' && !/[?#]/.test(v)),
      rule(
        'a URL without ?query or #fragment (paths are appended to it)',
        `remove everything from ? or # on in ${field}`,
      ),
    )
    .refine(
      (v) => {
        if (!URL.canParse(v)) return false;
        const u = new URL(v);
        return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
      },
      rule('an https URL, or http on a loopback host (localhost, 127.0.0.0/8, [::1])', `use ${example}`),
    );
}

/**
 * A whole number from `min` to `max`, e.g. `wholeNumber(1, 600, { unit: 'seconds' })`. `what` names it in
 * messages (default: a number of `unit`); `below` and `above` replace the fix for a value out of range.
 */
export function wholeNumber(
  min: number,
  max: number,
  o: { unit?: string; what?: string; below?: string; above?: string } = {},
) {
  const range = `${min} to ${max}${o.unit ? ` ${o.unit}` : ''}`;
  const allowed = o.what ? `${o.what} from ${range}` : range;
  return z
    .number(rule(o.what ?? `a number of ${o.unit ?? 'units'}`, 'pass a number'))
    .int(rule(`a whole number from ${range}`, 'round it'))
    .min(min, rule(allowed, o.below ?? `use at least ${min}`))
    .max(max, rule(allowed, o.above ?? `use at most ${max}`));
}

/** A secret: opaque, but non-empty and without whitespace (a pasted newline is the usual mistake). */
export function secretString(field: string) {
  return z
    .string(rule('a string', `pass ${field} from a sensitive variable`))
    .min(1, rule('a non-empty string', `set ${field}`))
    .regex(/^\S+$/, rule('a string without whitespace', `remove spaces or line breaks from ${field}`));
}

/**
 * The keys the schema allows in the object at `at` (walking objects, arrays, records and optionals; in a
 * discriminated union, the option that `input`, the value checked, picks).
 */
export function knownKeys(schema: z.ZodType, at: readonly PropertyKey[], input?: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let value = input;
  const unwrap = (s: z.ZodType | undefined, v: unknown): z.ZodType | undefined => {
    const def = s?._zod.def as
      { type?: string; innerType?: z.ZodType; discriminator?: string; options?: z.ZodType[] } | undefined;
    if (def?.type === 'optional') return unwrap(def.innerType, v);
    // A discriminated union (the environments' projects by kind): the option the input's discriminator picks.
    if (def?.type === 'union' && def.discriminator !== undefined) {
      const tag = (v as Record<string, unknown> | undefined)?.[def.discriminator];
      const picked = def.options!.find((o) => o._zod.propValues?.[def.discriminator!]?.has(tag as never));
      return picked && unwrap(picked, v);
    }
    return s;
  };
  for (const key of at) {
    const def = unwrap(current, value)?._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def?.type === 'object') current = (def.shape as Record<string, z.ZodType>)[String(key)];
    else if (def?.type === 'array') current = def.element as z.ZodType;
    else if (def?.type === 'record') current = def.valueType as z.ZodType;
    else return [];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  }
  const def = unwrap(current, value)?._zod.def as
    { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * The known key a misspelt one most likely meant: the same letters in another case, else the nearest by
 * edit distance when it is near enough (2 edits, or 40% of the key's length for long keys).
 */
export function closestKey(known: readonly string[], key: string): string | undefined {
  const sameLetters = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (sameLetters) return sameLetters;
  const limit = Math.max(2, Math.round(key.length * 0.4));
  const [best] = known
    .map((k) => ({ k, d: editDistance(k, key) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d);
  return best?.k;
}

/** The NAME of a sensitive variable (set as `TF_VAR_<name>`), never its value. */
export function variableName(what: string, example: string) {
  return z
    .string(rule(`the name of the variable that holds ${what}`, `write a name such as ${example}`))
    .max(64, rule('a name of at most 64 characters', `use a shorter name such as ${example}`))
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]*$/,
      rule(
        'a variable name: letters, digits and _, not starting with a digit (the value is never written here)',
        `write the variable's name, e.g. ${example}, and set the secret itself as TF_VAR_${example}`,
      ),
    )
    .refine((v) => !/^TF_VAR_/i.test(v), {
      error: (issue) =>
        rule('the name without the TF_VAR_ prefix', `write ${String(issue.input).slice('TF_VAR_'.length)}`)
          .error,
    })
    .meta({ description: `Name of the sensitive variable holding ${what}; set its value as TF_VAR_<name>.` });
}

/** A connection's construct id in a project stack: it names the resource in state. */
export const connectionIdSchema = z
  .string(rule('a PascalCase construct id', 'write an id such as Uplinks'))
  .max(64, rule('at most 64 characters', 'shorten the id'))
  .regex(
    /^[A-Z][A-Za-z0-9]*$/,
    rule('PascalCase letters and digits, e.g. Uplinks', 'rename it, e.g. Uplinks or FarmBackup'),
  )
  .meta({ description: 'Names the resource in state: renaming it replaces the connection.' });
