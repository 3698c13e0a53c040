/**
 * Helpers for the construct unit tests (test/src, test/examples): build a stack, synthesize it, read the
 * JSON back, and check library errors. The cdktf jest matchers are typed by the side-effect import below;
 * each test file still calls `Testing.setupJest()` to register them at run time.
 */
import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import {
  IotFlowApi,
  IotFlowApiProps,
  QubitroConnection,
  QubitroConnectionProps,
  ValidationError,
} from '../../src';
import { connectionBodyOf } from '../../src/review/synthesized';

/** A valid Qubitro project id. */
export const PROJECT_ID = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
export const BASE_URL = 'https://community.thingpark.io/iot-flow/v1';

/** The synthesized types, spelled out (not taken from src) so that a renamed type fails the tests. */
export const CONNECTION_TYPE = 'iotflow_connection';
export const CONNECTIONS_DATA_TYPE = 'iotflow_connections';
/** The same, as the cdktf matchers take them (a class with `tfResourceType`). */
export const CONNECTION = { tfResourceType: CONNECTION_TYPE };
export const IOTFLOW_PROVIDER_TYPE = { tfResourceType: 'iotflow' };

/** The synthesized Terraform JSON of one stack, loosely typed for reading. */
export type TfJson = Record<string, any>;

export function newStack(id = 'stack'): TerraformStack {
  return new TerraformStack(Testing.app(), id);
}

/** A `string`, `sensitive` TerraformVariable's token, as a user would pass a secret; declared once per name. */
export function secretVar(stack: TerraformStack, name: string): string {
  const existing = stack.node.tryFindChild(name);
  if (existing instanceof TerraformVariable) return existing.stringValue;
  return new TerraformVariable(stack, name, { type: 'string', sensitive: true }).stringValue;
}

/** An OAuth2 IotFlowApi whose client secret comes from a sensitive variable. */
export function oauthApi(
  stack: TerraformStack,
  id = 'Api',
  props: Partial<IotFlowApiProps> = {},
): IotFlowApi {
  return new IotFlowApi(stack, id, {
    baseUrl: BASE_URL,
    clientId: 'service-account',
    clientSecret: secretVar(stack, `${id.toLowerCase()}_client_secret`),
    ...props,
  });
}

/** A QubitroConnection with valid defaults; `props` override them. */
export function qubitro(
  stack: TerraformStack,
  api: IotFlowApi,
  id = 'Uplinks',
  props: Partial<QubitroConnectionProps> = {},
): QubitroConnection {
  return new QubitroConnection(stack, id, {
    api,
    name: `${id} to Qubitro`,
    projectId: PROJECT_ID,
    webhookSigningKey: secretVar(stack, 'signing_key'),
    ...props,
  });
}

/** Synthesizes one stack (without running cdktf's validations) and returns both the text and the JSON. */
export function synth(stack: TerraformStack): { text: string; tf: TfJson } {
  const text = Testing.synth(stack);
  return { text, tf: JSON.parse(text) as TfJson };
}

/** The only block of `type` under `resource` or `data`; fails when there is not exactly one. */
export function only(tf: TfJson, kind: 'resource' | 'data', type: string): TfJson {
  const blocks = Object.values(tf[kind]?.[type] ?? {}) as TfJson[];
  if (blocks.length !== 1) throw new Error(`expected one ${kind}.${type}, found ${blocks.length}`);
  return blocks[0];
}

/** Every block of `type` under `resource` or `data`, keyed by logical id. */
export function all(tf: TfJson, kind: 'resource' | 'data', type: string): Record<string, TfJson> {
  return (tf[kind]?.[type] ?? {}) as Record<string, TfJson>;
}

/** The iotflow provider blocks (cdktf writes an array once a provider has an alias). */
export function iotflowProviders(tf: TfJson): TfJson[] {
  const p = tf.provider?.iotflow;
  return Array.isArray(p) ? p : p ? [p] : [];
}

/** Every `iotflow_connection` of a stack, keyed by logical id. */
export function connections(tf: TfJson): Record<string, TfJson> {
  return all(tf, 'resource', CONNECTION_TYPE);
}

/** The only `iotflow_connection` of a stack; fails when there is not exactly one. */
export function onlyConnection(tf: TfJson): TfJson {
  return only(tf, 'resource', CONNECTION_TYPE);
}

/**
 * The request body a synthesized `iotflow_connection` sends (`connectionBody` of the review): name,
 * connectorId, brand, active, the configuration with its write-only secrets put back at their paths, and
 * the alarms. A configuration written as `${jsonencode(...)}` cannot be read before deploy and comes back `{}`.
 */
export function bodyOf(resource: TfJson): TfJson {
  return connectionBodyOf(resource);
}

/** The `configuration` JSON string of a resource, parsed; fails on an expression such as `${jsonencode(...)}`. */
export function configurationOf(resource: TfJson): TfJson {
  return JSON.parse(resource.configuration);
}

/**
 * Runs `build` and returns the ValidationError it throws; fails the test when it does not throw, or
 * throws something else.
 */
export function validationError(build: () => unknown): ValidationError {
  let thrown: unknown;
  try {
    build();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error('expected a ValidationError, but nothing was thrown');
  if (!(thrown instanceof ValidationError)) throw thrown;
  return thrown;
}

/** A copy of synthesized JSON without cdktf's `//` metadata keys, at any depth. */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '//')
        .map(([k, v]) => [k, withoutMetadata(v)]),
    );
  }
  return value;
}

/** Every file below `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** The files below `dir` whose content contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  return filesUnder(dir).filter((f) => fs.readFileSync(f, 'utf8').includes(needle));
}

/** Drops the 8-hex-digit path hash that provider aliases carry (see src/names.ts). */
export function unhashed(name: string): string {
  return name.replace(/_[0-9a-f]{8}(?=$|\.)/g, '');
}

/** The `data.iotflow_connections` of `tf` whose construct id is `id` (`ReadBack` or `Connections`), by logical id. */
function connectionLists(tf: TfJson, id: 'ReadBack' | 'Connections'): Record<string, TfJson> {
  const pattern = new RegExp(`_${id}_[0-9A-F]{8}$`);
  return Object.fromEntries(
    Object.entries(all(tf, 'data', CONNECTIONS_DATA_TYPE)).filter(([k]) => pattern.test(k)),
  );
}

/** The after-apply read-backs (one `data.iotflow_connections` per endpoint), keyed by logical id. */
export function readBacks(tf: TfJson): Record<string, TfJson> {
  return connectionLists(tf, 'ReadBack');
}

/** The plan-time listings adoption by name reads (one `data.iotflow_connections` per endpoint), by logical id. */
export function adoptionLists(tf: TfJson): Record<string, TfJson> {
  return connectionLists(tf, 'Connections');
}

/** The one local whose logical id contains `name` (`StateById`, `ConnectionIdsByKey`): its key and value. */
export function localNamed(tf: TfJson, name: string): [string, string] {
  const found = Object.entries((tf.locals ?? {}) as Record<string, string>).filter(([k]) => k.includes(name));
  if (found.length !== 1) throw new Error(`expected one local named ${name}, found ${found.length}`);
  return found[0];
}
