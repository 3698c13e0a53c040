/**
 * Plan JSON shaped like `tofu show -json <planfile>` for restful_resource connections, built from a
 * synthesized stack: what the review reads, without running the engine (test/src/review/engine.test.ts
 * checks the real thing). As in the real output, sensitive values are in plain text.
 */
import { TfJson } from '../../support/synth';

export const KEY_PATH = ['configuration', 'headers', 'webhookSigningKey'];

export interface ChangeOptions {
  readonly beforeSensitive?: TfJson;
  readonly afterSensitive?: TfJson;
  readonly afterUnknown?: TfJson;
  readonly importing?: { id: string };
  readonly writeOnly?: string[];
}

/** The sensitivity marks tofu writes for a body whose signing key is sensitive. */
export function keyMarks(body: TfJson | null): TfJson {
  return body ? { body: { configuration: { headers: { webhookSigningKey: true } } } } : {};
}

/** One `resource_changes` entry of a connection. */
export function connectionChange(
  address: string,
  actions: string[],
  before: TfJson | null,
  after: TfJson | null,
  options: ChangeOptions = {},
): TfJson {
  const values = (body: TfJson | null) =>
    body && {
      body,
      path: '/connections',
      id: '/connections/1001',
      write_only_attrs: options.writeOnly ?? ['configuration.headers.webhookSigningKey'],
      output: { id: '1001', state: 'OPENED' },
    };
  return {
    address,
    mode: 'managed',
    type: 'restful_resource',
    name: address.split('.')[1],
    change: {
      actions,
      before: values(before),
      after: values(after),
      after_unknown: options.afterUnknown ?? { output: true },
      before_sensitive: options.beforeSensitive ?? keyMarks(before),
      after_sensitive: options.afterSensitive ?? keyMarks(after),
      ...(options.importing ? { importing: options.importing } : {}),
    },
  };
}

/** A body of `tf` with its `${var.x}` references replaced by `values[x]`, as tofu resolves them. */
export function resolved(body: TfJson, values: Record<string, string>): TfJson {
  return JSON.parse(
    JSON.stringify(body).replace(/\$\{var\.([A-Za-z0-9_-]+)\}/g, (_, name: string) =>
      JSON.stringify(values[name] ?? '').slice(1, -1),
    ),
  );
}

/** A plan of `tf` with these resource changes; `variables` are the values of its (sensitive) variables. */
export function planOf(tf: TfJson, changes: TfJson[], variables: Record<string, string>): TfJson {
  const blocks = (kind: TfJson, prefix: string) =>
    Object.entries((kind ?? {}) as Record<string, TfJson>).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => ({
        address: `${prefix}${type}.${n}`,
        mode: prefix ? 'data' : 'managed',
      })),
    );
  const providers = [tf.provider?.restful ?? []].flat();
  return {
    format_version: '1.2',
    terraform_version: '1.12.6',
    variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, { value: v }])),
    planned_values: { root_module: {} },
    resource_changes: changes,
    prior_state: { values: { root_module: { resources: [] } } },
    configuration: {
      provider_config: Object.fromEntries(
        providers.map((p: TfJson) => [
          `restful.${p.alias}`,
          { name: 'restful', alias: p.alias, expressions: { base_url: { constant_value: p.base_url } } },
        ]),
      ),
      root_module: {
        variables: Object.fromEntries(
          Object.entries((tf.variable ?? {}) as Record<string, TfJson>).map(([k, v]) => [
            k,
            { sensitive: v.sensitive === true },
          ]),
        ),
        resources: [...blocks(tf.resource, ''), ...blocks(tf.data, 'data.')],
      },
    },
  };
}

/** The connection resources of a stack: address and body. */
export function connectionsOf(tf: TfJson): { address: string; body: TfJson }[] {
  return Object.entries((tf.resource?.restful_resource ?? {}) as Record<string, TfJson>)
    .filter(([, r]) => r.path === '/connections')
    .map(([k, r]) => ({ address: `restful_resource.${k}`, body: r.body }));
}
