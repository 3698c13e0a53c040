/**
 * What `qubitro-review` reports: per stack (grouped by environment), each connection's name, Qubitro
 * project, destination and options, and with a plan its action and changed fields. Secrets appear only as
 * where they come from (a variable name) and, with a plan, as set / rotated / unchanged / removed.
 */

import { configurationPath } from '../presets/definition';
import { QUBITRO } from '../presets/qubitro';
import { DOWNLINK_AS_KEY, PRESETS, presetOfBrand, presetSecretPaths } from '../presets/registry';

/** The review's label of each secret path inside `configuration`, from every preset. */
const SECRET_LABELS: ReadonlyMap<string, string> = new Map([
  ...PRESETS.flatMap((p) =>
    p.secrets.map((s) => [configurationPath(s.placement), s.label] as const),
  ).reverse(),
  [DOWNLINK_AS_KEY.path, DOWNLINK_AS_KEY.label],
]);

/**
 * Paths inside a connection body that always hold secrets, whatever the plan marks: those of its brand's
 * preset (Qubitro's for a connection without a known brand, as before presets) and the downlink AS key.
 */
export function secretPathsOfBrand(brand: unknown): string[] {
  const preset = presetOfBrand(brand) ?? QUBITRO;
  return presetSecretPaths(preset).map((p) => `configuration.${p}`);
}

/** How a reviewer reads a secret path: `signing key`, `downlink AS key`, the path itself, or `body` for all. */
export function secretLabel(path: string): string {
  const inConfiguration = path.replace(/^configuration\./, '');
  return (path !== inConfiguration && SECRET_LABELS.get(inConfiguration)) || path || 'body';
}

export type Action = 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'import' | 'import, update';

/** A secret compared by fingerprint between the state and the plan; its value is never kept. */
export type SecretStatus = 'set' | 'rotated' | 'unchanged' | 'removed' | 'known after apply';

export interface ReviewedSecret {
  /** The path in the body, e.g. `configuration.headers.webhookSigningKey`. */
  readonly path: string;
  /** Where the value comes from, e.g. `TF_VAR_dev_farm_signing_key`; never the value. */
  readonly source?: string;
  /** Set when a plan was read. */
  readonly status?: SecretStatus;
}

/** A changed non-secret field of the body, with its values before and after. */
export interface FieldChange {
  readonly path: string;
  /** Undefined when the field is added. */
  readonly before?: unknown;
  /** Undefined when the field is removed (or unknown until apply). */
  readonly after?: unknown;
  readonly afterUnknown?: boolean;
  /** A change inside a value that also holds a secret: named, its values not shown. */
  readonly hidden?: boolean;
}

export interface ReviewedConnection {
  /** The Terraform address, e.g. `restful_resource.Uplinks_0B1B410F`. */
  readonly address: string;
  /** The construct id in the stack, e.g. `Uplinks`. */
  readonly id: string;
  readonly name?: string;
  /** The brand's project or account (Qubitro's project id, Opinum's username), where it has one. */
  readonly projectId?: string;
  readonly destination?: string;
  /** The other non-secret body fields, flattened: `uplinkTimeValidity`, `active`, … */
  readonly options: Readonly<Record<string, unknown>>;
  readonly secrets: readonly ReviewedSecret[];
  /** With a plan: what it does to this connection. */
  readonly action?: Action;
  /** With a plan: the non-secret fields that change (secrets are in `secrets`). */
  readonly changes?: readonly FieldChange[];
}

export interface ReviewedStack {
  readonly name: string;
  /** From the stack's `//.qubitro` metadata (environment stacks only). */
  readonly environment?: string;
  readonly project?: string;
  /** The IoT Flow base URL of the stack's endpoint. */
  readonly endpoint?: string;
  /** Whether a plan of this stack was read. */
  readonly planned: boolean;
  readonly connections: readonly ReviewedConnection[];
}

export interface Review {
  readonly stacks: readonly ReviewedStack[];
}
