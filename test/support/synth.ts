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

/** A valid Qubitro project id. */
export const PROJECT_ID = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
export const BASE_URL = 'https://community.thingpark.io/iot-flow/v1';

/** The cdktf matchers take a class with `tfResourceType`; these name the restful types without one. */
export const RESTFUL_RESOURCE = { tfResourceType: 'restful_resource' };
export const RESTFUL_PROVIDER_TYPE = { tfResourceType: 'restful' };

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

/** The restful provider blocks (cdktf writes an array once a provider has an alias). */
export function restfulProviders(tf: TfJson): TfJson[] {
  const p = tf.provider?.restful;
  return Array.isArray(p) ? p : p ? [p] : [];
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

/**
 * What restful 0.25.2 does with `read_response_template` (internal/exparam/expand_body.go): each
 * `$(body.x.y)` is replaced by gjson's `String()` of that path in the response, i.e. a string's raw text
 * (unquoted, unescaped) and any other value's JSON. A missing path is an error, as in the provider.
 */
export function expandTemplate(template: string, response: unknown): string {
  return template.replace(/\$\(body((?:\.[A-Za-z0-9_]+)*)\)/g, (_, dotted: string) => {
    const keys = dotted.split('.').filter(Boolean);
    let value: unknown = response;
    for (const k of keys) {
      if (value === null || typeof value !== 'object' || !(k in value)) {
        throw new Error(`no property found at path ${JSON.stringify(keys.join('.'))} in the body`);
      }
      value = (value as Record<string, unknown>)[k];
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
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

/** Drops the 8-hex-digit path hash that provider aliases and check names carry (see src/names.ts). */
export function unhashed(name: string): string {
  return name.replace(/_[0-9a-f]{8}(?=$|\.)/g, '');
}

/** The check block of a construct path such as `stack_Uplinks`, whatever its hash suffix. */
export function checkBlock(tf: any, readableName: string): any {
  const key = Object.keys(tf.check ?? {}).find((k) => unhashed(k) === readableName);
  if (!key) throw new Error(`no check block named ${readableName}_<hash>`);
  return tf.check[key];
}

/** The after-apply read-backs (`data.restful_resource` that waits for the connections), keyed by logical id. */
export function readBacks(tf: TfJson): Record<string, TfJson> {
  return Object.fromEntries(
    Object.entries(all(tf, 'data', 'restful_resource')).filter(([, d]) => d.depends_on),
  );
}
