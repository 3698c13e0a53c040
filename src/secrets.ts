/**
 * Secret props must arrive as tokens (a sensitive TerraformVariable), so that no secret is written to
 * cdk.tf.json. `unsafePlaintextSecret` is the explicit, visible escape hatch.
 */
import { createHash } from 'node:crypto';
import { Lazy, Token } from 'cdktf';

const plaintexts = new Map<string, string>();

/**
 * Passes a secret as plain text. The value WILL be written to cdk.tf.json, the plan and the state:
 * use it only for throwaway credentials such as a local emulator's.
 */
export function unsafePlaintextSecret(value: string): string {
  const token = Lazy.stringValue({ produce: () => value });
  plaintexts.set(token, value);
  return token;
}

/** The value behind `unsafePlaintextSecret`, so the constructs can still validate it. */
export function unsafePlaintextOf(token: string): string | undefined {
  return plaintexts.get(token);
}

/** True for a secret prop the constructs accept: any token (a variable, or the unsafe helper). */
export function isSecretReference(value: unknown): boolean {
  return typeof value === 'string' && Token.isUnresolved(value);
}

/** A short, non-reversible fingerprint that tells whether a secret changed, for reviews and logs. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}
