/**
 * The construct side of a preset: the props schema, the `configuration` and the secret paths, all built from
 * the preset's definition (definition.ts), so that a brand is data and its construct a few lines.
 */
import { Construct } from 'constructs';
import { z } from 'zod';
import { ConnectionOptions, IotFlowConnection } from '../iot-flow-connection';
import { commonConfigurationSchema } from '../schema/connection';
import { httpsUrl, PLACEHOLDER_UUID, plainText, rule, secretString } from '../schema/rules';
import { validateProps } from '../validate';
import { MASK } from '../wire-format';
import { configurationPath, PresetDefinition, PresetSecret } from './definition';
import { presetSecretPaths } from './registry';
import { QUBITRO } from './qubitro';
import { qubitroConnectionSchema } from '../schema/qubitro';
import type { PresetConnectionOptions } from './options';

/** Props as the shared code reads them: the common ones and `destinationUrl`; the brand's own by name. */
type AnyPresetProps = PresetConnectionOptions & { readonly destinationUrl?: string };

function propOf(props: object, name: string): unknown {
  return (props as Readonly<Record<string, unknown>>)[name];
}

const CONNECTION_OPTIONS = ['api', 'alarms', 'importFrom', 'adoptExisting'];

function destinationSchema(definition: PresetDefinition) {
  const destination = definition.destination!;
  const example = destination.default ?? `https://<your host>${destination.path ?? ''}`;
  const parsed = (v: string) => (URL.canParse(v) ? new URL(v) : undefined);
  let url = httpsUrl('destinationUrl', example);
  if (destination.hosts) {
    const hosts = destination.hosts;
    url = url.refine(
      (v) => parsed(v) === undefined || hosts.includes(parsed(v)!.hostname),
      rule(`a URL on ${hosts.join(' or ')} (${definition.title})`, `use ${example}`),
    );
  }
  if (destination.path) {
    const p = destination.path;
    url = url.refine(
      (v) => parsed(v) === undefined || parsed(v)!.pathname === p,
      rule(`a URL whose path is ${p}`, `use https://<your ${definition.title} host>${p}`),
    );
  }
  for (const s of definition.secrets) {
    if (!('queryParameter' in s.placement)) continue;
    const param = s.placement.queryParameter;
    url = url.refine(
      (v) => parsed(v) === undefined || !parsed(v)!.searchParams.has(param),
      rule(
        `a URL without ?${param}= (a secret: it is added write-only)`,
        `remove ${param} from destinationUrl and pass it as ${s.prop} from a sensitive variable`,
      ),
    );
  }
  return destination.default === undefined ? url : url.optional();
}

/** The run-time rules of a preset's props, built from its definition. */
export function presetPropsSchema(definition: PresetDefinition) {
  const shape: Record<string, z.ZodType> = {
    name: plainText('name', 128),
    active: z.boolean(rule('true or false', 'pass a boolean')).optional(),
  };
  if (definition.destination) shape.destinationUrl = destinationSchema(definition);
  for (const f of definition.fields) {
    shape[f.prop] =
      f.format === 'uuid'
        ? z
            .string(rule('a UUID', `pass the ${definition.title} ${f.prop}`))
            .uuid(
              rule(
                'a UUID such as aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
                `copy the ${f.prop} from ${definition.title}`,
              ),
            )
            .refine(
              (v) => !PLACEHOLDER_UUID.test(v),
              rule('a real id, not the nil or max UUID', `copy the ${f.prop} from ${definition.title}`),
            )
        : plainText(f.prop, 256);
  }
  for (const s of definition.secrets) shape[s.prop] = secretString(s.prop);
  return commonConfigurationSchema.extend(shape);
}

/** Each definition's schema, built once: zod schemas are immutable, so every connection of a preset shares it. */
const CONNECTION_SCHEMAS = new WeakMap<PresetDefinition, z.ZodObject>();

/** The rules a preset's construct checks its props with: Qubitro keeps QubitroConnection's own messages. */
export function connectionSchemaOf(definition: PresetDefinition): z.ZodObject {
  let schema = CONNECTION_SCHEMAS.get(definition);
  if (schema === undefined) {
    schema = definition.kind === QUBITRO.kind ? qubitroConnectionSchema : presetPropsSchema(definition);
    CONNECTION_SCHEMAS.set(definition, schema);
  }
  return schema;
}

/** The secret's value where the brand puts it: the prop itself, or behind the header's prefix. */
function secretValue(secret: PresetSecret, value: unknown): unknown {
  if (value === undefined || !('header' in secret.placement)) return value;
  return `${secret.placement.prefix ?? ''}${String(value)}`;
}

/** `url` with `?parameter=*****` (or `&…`): what plan, state and review show of a URL that holds a secret. */
function withMaskedParameter(url: string, parameter: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${encodeURIComponent(parameter)}=${MASK}`;
}

/**
 * The `configuration` a preset connection sends: the destination, the headers, the brand's fields, then the
 * common parameters (undefined ones are left out when sent). A query-parameter secret sits at its own key
 * (`destinationURL?authorization`), which the provider writes into the URL; the URL shows it masked.
 */
export function presetConfiguration(
  definition: PresetDefinition,
  props: Omit<AnyPresetProps, keyof ConnectionOptions>,
): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  const fields: Record<string, unknown> = {};
  const querySecrets: Record<string, unknown> = {};
  let destinationURL = props.destinationUrl ?? definition.destination?.default;
  for (const f of definition.fields) {
    if ('header' in f.placement) headers[f.placement.header] = propOf(props, f.prop);
    else fields[f.placement.field] = propOf(props, f.prop);
  }
  for (const s of definition.secrets) {
    const value = secretValue(s, propOf(props, s.prop));
    if ('header' in s.placement) headers[s.placement.header] = value;
    else if ('field' in s.placement) fields[s.placement.field] = value;
    else {
      querySecrets[configurationPath(s.placement)] = value;
      if (destinationURL !== undefined && value !== undefined) {
        destinationURL = withMaskedParameter(destinationURL, s.placement.queryParameter);
      }
    }
  }
  return {
    destinationURL,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...fields,
    ...querySecrets,
    description: props.description,
    createDevices: props.createDevices,
    sendMetadata: props.sendMetadata,
    sendRawDecodedFormat: props.sendRawDecodedFormat,
    uplinkTimeValidity: props.uplinkTimeValidity,
    downlinkEnabled: props.downlinkEnabled,
    downlinkAsId: props.downlinkAsId,
    downlinkAsKey: props.downlinkAsKey,
    downlinkPort: props.downlinkPort,
    reconnectStrategy: props.reconnectStrategy,
  };
}

/** The variable name an error suggests for a secret prop, e.g. `tago_authorization`. */
function suggestedVariables(definition: PresetDefinition): Record<string, string> {
  const snake = (prop: string) => prop.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return Object.fromEntries([
    ...definition.secrets.map((s) => [s.prop, `${definition.kind.replace(/-/g, '_')}_${snake(s.prop)}`]),
    ['downlinkAsKey', 'downlink_as_key'],
  ]);
}

/**
 * An IoT Flow connection of one brand of the `actility-http-iot` connector, checked and built from the
 * brand's definition. Each brand's construct is a subclass that names its definition.
 */
export class PresetConnection extends IotFlowConnection {
  protected constructor(scope: Construct, id: string, props: AnyPresetProps, definition: PresetDefinition) {
    validateProps(`${scope.node.path}/${id}`, connectionSchemaOf(definition), props, {
      secrets: suggestedVariables(definition),
      // Checked by IotFlowConnection, which this construct is.
      otherProps: CONNECTION_OPTIONS,
    });
    super(scope, id, {
      api: props.api,
      name: props.name,
      connectorId: definition.connectorId,
      brand: definition.brand,
      active: props.active,
      alarms: props.alarms,
      importFrom: props.importFrom,
      adoptExisting: props.adoptExisting,
      configuration: presetConfiguration(definition, props),
      secretFields: presetSecretPaths(definition),
    });
  }
}
