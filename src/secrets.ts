/**
 * Secret props must arrive as tokens (a sensitive TerraformVariable), so that no secret is written to
 * cdk.tf.json. `unsafePlaintextSecret` is the explicit, visible escape hatch.
 */
import { Construct } from 'constructs';
import { Lazy, TerraformVariable, Token } from './framework';

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

/**
 * A stack-level sensitive, ephemeral string variable fed by `TF_VAR_<name>`, checked at plan time (where the
 * value is known) for the mistakes a pasted secret has; the message never shows the value. Ephemeral
 * (OpenTofu and Terraform >= 1.11): it may only reach write-only attributes and provider configuration, so
 * neither the state nor a saved plan can hold it. `notForDestroy`: a secret only creates and updates send
 * (a write-only attribute), so the variable may be left unset to destroy; the caller then refuses it unset
 * at plan time (see `addProjectConnections`).
 */
export function sensitiveVariable(
  scope: Construct,
  name: string,
  description: string,
  options: { readonly notForDestroy?: boolean } = {},
): TerraformVariable {
  const check = `length(var.${name}) > 0 && length(regexall("\\\\s", var.${name})) == 0`;
  const variable = new TerraformVariable(scope, name, {
    type: 'string',
    sensitive: true,
    nullable: options.notForDestroy === true,
    description: `${description} Set TF_VAR_${name}${options.notForDestroy ? ' (not needed to destroy)' : ''}.`,
    validation: [
      {
        // A conditional, not ||: HCL evaluates both sides of ||, and length(null) fails.
        condition: options.notForDestroy ? `\${var.${name} == null ? true : ${check}}` : `\${${check}}`,
        errorMessage: `${name} must be non-empty and contain no whitespace (a pasted line break?). Set TF_VAR_${name} again.`,
      },
    ],
  });
  // cdktf 0.21 predates ephemeral variables, and drops a null default (it is the one that makes it optional).
  variable.addOverride('ephemeral', true);
  if (options.notForDestroy) variable.addOverride('default', null);
  return variable;
}
