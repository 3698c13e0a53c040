/**
 * Every form in which a secret can leak into a text: raw, JSON-escaped (as JavaScript and as Go escape it),
 * Markdown-escaped, URL-encoded and base64. Written independently of any scrubber in `src/`, so a test
 * using it checks the scrubber instead of repeating it.
 */

/** Forms shorter than this would match ordinary text. */
const MIN_FORM_LENGTH = 4;

export interface SecretForm {
  readonly kind: string;
  readonly text: string;
}

/** Go's encoding/json also escapes `<`, `>`, `&`, U+2028 and U+2029; `\u00e9`-style for all non-ASCII too. */
function jsonForms(secret: string): SecretForm[] {
  const js = JSON.stringify(secret).slice(1, -1);
  const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return [
    { kind: 'JSON-escaped', text: js },
    { kind: 'JSON-escaped (Go)', text: js.replace(/[<>&\u2028\u2029]/g, u) },
    { kind: 'JSON-escaped (ASCII)', text: js.replace(/[<>&\u0080-\uffff]/g, u) },
  ];
}

/** Every ASCII punctuation character may be backslash-escaped in Markdown; `<`, `>`, `&` as entities. */
function markdownEscaped(secret: string): string {
  return secret
    .replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`)
    .replace(/\\&/g, '&amp;')
    .replace(/\\</g, '&lt;')
    .replace(/\\>/g, '&gt;');
}

/** A text with Markdown's escapes undone, so a secret escaped in any subset of places shows raw. */
function markdownUnescaped(text: string): string {
  return text
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The base64 characters that depend on the secret alone, whatever bytes surround it (e.g. `user:` before
 * it in a Basic header): one form per alignment of its first byte in a 3-byte group, standard and URL-safe.
 */
function base64Forms(secret: string): SecretForm[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [0, 1, 2].flatMap((offset) => {
    const full = Buffer.concat([Buffer.alloc(offset), bytes]);
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor((full.length * 8) / 6);
    const standard = full.toString('base64').slice(start, end);
    return [
      { kind: `base64 (offset ${offset})`, text: standard },
      { kind: `base64url (offset ${offset})`, text: standard.replace(/\+/g, '-').replace(/\//g, '_') },
    ];
  });
}

export function secretForms(secret: string): SecretForm[] {
  const forms: SecretForm[] = [
    { kind: 'raw', text: secret },
    ...jsonForms(secret),
    { kind: 'Markdown-escaped', text: markdownEscaped(secret) },
    { kind: 'URL-encoded', text: encodeURIComponent(secret) },
    { kind: 'form-encoded', text: new URLSearchParams({ s: secret }).toString().slice(2) },
    ...base64Forms(secret),
  ];
  const seen = new Set<string>();
  return forms.filter((f) => f.text.length >= MIN_FORM_LENGTH && !seen.has(f.text) && seen.add(f.text));
}

export interface SecretLeak {
  /** The secret's index in the list searched (never the secret itself, so a report does not leak it). */
  readonly index: number;
  readonly kind: string;
  /** Where in the text (the text searched, possibly Markdown-unescaped), and how long the form is. */
  readonly at: number;
  readonly length: number;
}

/** Every secret found in `text` in any of its forms, also once Markdown's escapes are undone. */
export function findSecrets(text: string, secrets: readonly string[]): SecretLeak[] {
  const unescaped = markdownUnescaped(text);
  return secrets.flatMap((secret, index) =>
    secretForms(secret).flatMap((form): SecretLeak[] => {
      for (const [haystack, suffix] of [
        [text, ''],
        [unescaped, ', once Markdown-unescaped'],
      ] as const) {
        const at = haystack.indexOf(form.text);
        if (at >= 0) return [{ index, kind: `${form.kind}${suffix}`, at, length: form.text.length }];
      }
      return [];
    }),
  );
}

/**
 * Fails naming the secret's position in `secrets`, the form and the place; `where` says which output.
 * The message shows the text around the find with the secret's form masked.
 */
export function expectNoSecrets(text: string, secrets: readonly string[], where: string): void {
  const leaks = findSecrets(text, secrets);
  if (leaks.length === 0) return;
  const lines = leaks.map((l) => {
    const around = (from: number, to: number) => text.slice(Math.max(0, from), to).replace(/\n/g, '⏎');
    const context = `${around(l.at - 60, l.at)}<secret>${around(l.at + l.length, l.at + l.length + 60)}`;
    return `secret #${l.index} (${l.kind}) at ${l.at}: …${context}…`;
  });
  throw new Error(`${where} holds a secret:\n${lines.join('\n')}`);
}
