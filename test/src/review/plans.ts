/**
 * Plan JSON shaped like `tofu show -json <planfile>` for `iotflow_connection` resources, built from a
 * synthesized stack: what the review reads, without running the engine (test/src/review/engine.test.ts
 * checks the real thing). As in the real output, `secrets_wo` is null (write-only), a rotation shows only as
 * `secrets_fingerprint` becoming unknown, and any other sensitive value is in plain text under its mark.
 */
import { TfJson } from '../../support/synth';

/** A fingerprint as the provider writes it: `hmac-sha256:<16 hex salt>:<64 hex mac>`. */
export function fingerprintOf(mac: string): string {
  return `hmac-sha256:0123456789abcdef:${mac.repeat(64).slice(0, 64)}`;
}
export const FINGERPRINT = fingerprintOf('a');

/** The attributes of an `iotflow_connection` that the plan holds for it (the provider computes the rest). */
export const COMPUTED = ['id', 'secrets_fingerprint', 'state', 'startup_time'];

export interface ChangeOptions {
  readonly beforeSensitive?: TfJson | false;
  readonly afterSensitive?: TfJson | false;
  /** @default the computed attributes that an update or create leaves unknown, when `after` lacks them */
  readonly afterUnknown?: TfJson;
  readonly importing?: { id: string };
}

/**
 * The values of a connection in a plan, from its cdk.tf.json block: `${var.x}` references resolved from
 * `variables`, meta-arguments dropped, `secrets_wo` null, and the computed attributes of a deployed
 * connection (`secrets_fingerprint` is `fingerprint`, none when the connection has no secrets).
 */
export function planValues(
  resource: TfJson,
  variables: Record<string, string> = {},
  fingerprint: string | null = FINGERPRINT,
): TfJson {
  const resolved = JSON.parse(
    JSON.stringify(resource).replace(/\$\{var\.([A-Za-z0-9_-]+)\}/g, (_, name: string) =>
      JSON.stringify(variables[name] ?? '').slice(1, -1),
    ),
  );
  return {
    active: resolved.active ?? null,
    alarms: resolved.alarms ?? null,
    brand: resolved.brand ?? null,
    configuration: resolved.configuration,
    connector_id: resolved.connector_id,
    id: '1001',
    name: resolved.name,
    secrets_fingerprint: resource.secrets_wo ? fingerprint : null,
    secrets_wo: null,
    startup_time: '2026-01-05T10:00:00Z',
    state: resolved.active === false ? 'DEACTIVATED' : 'OPENED',
  };
}

/** `values` as planned for a change the provider has yet to apply: its computed attributes unknown. */
export function pending(values: TfJson): TfJson {
  return Object.fromEntries(Object.entries(values).filter(([k]) => k === 'id' || !COMPUTED.includes(k)));
}

/** `values` with `patch` merged into its configuration JSON (a key set to undefined is removed). */
export function withConfiguration(values: TfJson, patch: TfJson): TfJson {
  const configuration = { ...JSON.parse(values.configuration), ...patch };
  return { ...values, configuration: JSON.stringify(configuration) };
}

/** One `resource_changes` entry of a connection. */
export function connectionChange(
  address: string,
  actions: string[],
  before: TfJson | null,
  after: TfJson | null,
  options: ChangeOptions = {},
): TfJson {
  const unknown = after
    ? Object.fromEntries(COMPUTED.filter((k) => !(k in after)).map((k) => [k, true]))
    : {};
  const marks = (values: TfJson | null) => (values ? { secrets_wo: true } : false);
  return {
    address,
    mode: 'managed',
    type: 'iotflow_connection',
    name: address.split('.')[1],
    provider_name: 'registry.opentofu.org/thingpark-qubitro/iotflow',
    change: {
      actions,
      before,
      after,
      after_unknown: options.afterUnknown ?? unknown,
      before_sensitive: options.beforeSensitive ?? marks(before),
      after_sensitive: options.afterSensitive ?? marks(after),
      ...(options.importing ? { importing: options.importing } : {}),
    },
  };
}

/**
 * A plan of `tf` with these resource changes. `variables` are the values of its variables; as tofu does,
 * the plan keeps those of the non-ephemeral ones only.
 */
export function planOf(tf: TfJson, changes: TfJson[], variables: Record<string, string>): TfJson {
  const declared = (tf.variable ?? {}) as Record<string, TfJson>;
  const blocks = (kind: TfJson, prefix: string) =>
    Object.entries((kind ?? {}) as Record<string, TfJson>).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => ({
        address: `${prefix}${type}.${n}`,
        mode: prefix ? 'data' : 'managed',
      })),
    );
  const providers = [tf.provider?.iotflow ?? []].flat();
  return {
    format_version: '1.2',
    terraform_version: '1.12.6',
    variables: Object.fromEntries(
      Object.entries(variables)
        .filter(([k]) => !declared[k]?.ephemeral)
        .map(([k, v]) => [k, { value: v }]),
    ),
    planned_values: { root_module: {} },
    resource_changes: changes,
    prior_state: { values: { root_module: { resources: [] } } },
    configuration: {
      provider_config: Object.fromEntries(
        providers.map((p: TfJson) => [
          `iotflow.${p.alias}`,
          {
            name: 'iotflow',
            full_name: 'registry.opentofu.org/thingpark-qubitro/iotflow',
            alias: p.alias,
            expressions: { base_url: { constant_value: p.base_url } },
          },
        ]),
      ),
      root_module: {
        variables: Object.fromEntries(
          Object.entries(declared).map(([k, v]) => [
            k,
            { sensitive: v.sensitive === true, ...(v.ephemeral ? { ephemeral: true } : {}) },
          ]),
        ),
        resources: [...blocks(tf.resource, ''), ...blocks(tf.data, 'data.')],
      },
    },
  };
}

/** The connection resources of a stack: address and cdk.tf.json block. */
export function connectionsOf(tf: TfJson): { address: string; resource: TfJson }[] {
  return Object.entries((tf.resource?.iotflow_connection ?? {}) as Record<string, TfJson>).map(([k, r]) => ({
    address: `iotflow_connection.${k}`,
    resource: r,
  }));
}
