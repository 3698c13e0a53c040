import { createHash } from 'node:crypto';
import { isPlainObject } from './json';

/** What the real API returns in place of a secret on every read. */
export const MASK = '*****';

const SECRET_KEYS = new Set(['webhookSigningKey', 'downlinkAsKey', 'password', 'clientSecret']);

/** HTTP header names are case-insensitive, so any spelling of `authorization` is a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key) || key.toLowerCase() === 'authorization';
}

function mapSecrets(value: unknown, replace: (secret: unknown) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapSecrets(item, replace));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      isSecretKey(key) && item !== null ? replace(item) : mapSecrets(item, replace),
    ]),
  );
}

/** Copy of `value` with every secret, at any depth, replaced by the mask. */
export function maskSecrets<T>(value: T): T {
  return mapSecrets(value, () => MASK) as T;
}

/** The digest the request log shows in place of `secret`: `sha256:` + 12 hex chars. */
export function fingerprint(secret: unknown): string {
  const text = typeof secret === 'string' ? secret : JSON.stringify(secret);
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/**
 * Copy of `value` with every secret replaced by its fingerprint, so the request log can prove which
 * secret a call carried without ever holding it.
 */
export function fingerprintSecrets(value: unknown): unknown {
  return mapSecrets(value, fingerprint);
}
