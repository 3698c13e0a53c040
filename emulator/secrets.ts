import { createHash } from 'node:crypto';
import { MASK } from '../src/wire-format';
import { replaceSecrets } from './connectors';

/** Copy of a connection with each secret of its connector (see connectors.ts) replaced by the mask. */
export function maskSecrets<T>(connection: T): T {
  return replaceSecrets(connection, () => MASK);
}

/** The digest the request log shows in place of `secret`: `sha256:` + 12 hex chars. */
export function fingerprint(secret: unknown): string {
  const text = typeof secret === 'string' ? secret : JSON.stringify(secret);
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/**
 * Copy of a connection body with every value its connector masks replaced by its fingerprint, so the
 * request log can prove which secret a call carried without ever holding it.
 */
export function fingerprintSecrets(value: unknown): unknown {
  return replaceSecrets(value, fingerprint);
}
