/**
 * OpenTofu state and plan encryption for one stack: a PBKDF2 key from a passphrase variable, AES-GCM, and an
 * `unencrypted` fallback so an existing plain state is read once and written back encrypted. cdktf 0.21
 * predates the `encryption` block, so it is written as an override of the stack's `terraform` block.
 */
import { TerraformStack } from './framework';

export function encryptStateAndPlans(stack: TerraformStack, passphrase: string): void {
  stack.addOverride('terraform.encryption', {
    key_provider: { pbkdf2: { passphrase: { passphrase } } },
    method: {
      aes_gcm: { passphrase: { keys: '${key_provider.pbkdf2.passphrase}' } },
      unencrypted: { migrate: {} },
    },
    // `method` takes a static reference, which the JSON syntax writes as a bare traversal string.
    state: { method: 'method.aes_gcm.passphrase', fallback: { method: 'method.unencrypted.migrate' } },
    plan: { method: 'method.aes_gcm.passphrase', fallback: { method: 'method.unencrypted.migrate' } },
  });
}
