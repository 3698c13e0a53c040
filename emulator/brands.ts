/**
 * The brands of the HTTP connector, from the library's one list of presets (src/presets/registry.ts): the
 * configuration schema `GET /connectors` shows and POST/PUT enforce for each brand, and where each brand's
 * secrets sit for masking. A brand is never described here by hand.
 */
import type { PresetDefinition } from '../src/presets/definition';
import { PRESETS } from '../src/presets/registry';
import type { JsonObject } from './json';

/** A step in a secret's path that picks a query parameter of a URL string (TAGO's `?authorization=`). */
export interface QueryParameterMatcher {
  readonly queryParameter: string;
}

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The destination rule as one pattern: https, the brand's hosts or path, and each query secret present. */
function destinationPattern(definition: PresetDefinition): JsonObject {
  const destination = definition.destination!;
  const host = destination.hosts ? `(${destination.hosts.map(escapeRegExp).join('|')})` : '[^/?#:]+';
  const path = destination.path ? escapeRegExp(destination.path) : '';
  const queries = definition.secrets.flatMap((s) =>
    'queryParameter' in s.placement ? [s.placement.queryParameter] : [],
  );
  const lookaheads = queries.map((q) => `(?=[^#]*[?&]${escapeRegExp(q)}=[^&#]+)`).join('');
  const where = destination.hosts
    ? ` on ${destination.hosts.join(' or ')}`
    : destination.path
      ? ` with the path ${destination.path}`
      : '';
  const carrying = queries.length ? `, carrying ${queries.map((q) => `?${q}=`).join(' and ')}` : '';
  return {
    type: 'string',
    format: 'uri',
    pattern: `^${lookaheads}https://${host}(:[0-9]+)?${path}([/?#]|$)`,
    description: `an https URL${where}${carrying}`,
  };
}

/** The draft-04 configuration schema of one brand, on top of the connector's common properties. */
export function brandConfigurationSchema(definition: PresetDefinition, common: JsonObject): JsonObject {
  const headers: Record<string, JsonObject> = {};
  const fields: Record<string, JsonObject> = {};
  const text: JsonObject = { type: 'string', minLength: 1 };
  for (const f of definition.fields) {
    const rule =
      f.format === 'uuid' ? { type: 'string', pattern: UUID_PATTERN, description: 'a UUID' } : text;
    if ('header' in f.placement) headers[f.placement.header] = rule;
    else fields[f.placement.field] = rule;
  }
  for (const s of definition.secrets) {
    const rule = { ...text, writeOnly: true };
    if ('header' in s.placement) headers[s.placement.header] = rule;
    else if ('field' in s.placement) fields[s.placement.field] = rule;
  }
  const required = [
    ...(definition.destination ? ['destinationURL'] : []),
    ...(Object.keys(headers).length ? ['headers'] : []),
    ...Object.keys(fields),
  ];
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    additionalProperties: false,
    required,
    properties: {
      ...(definition.destination ? { destinationURL: destinationPattern(definition) } : {}),
      // Other headers may be sent (the docs: "a set of key-values"); the brand's own are required.
      headers: {
        type: 'object',
        required: Object.keys(headers),
        properties: headers,
        additionalProperties: { type: 'string' },
      },
      ...fields,
      ...common,
    },
  };
}

/** Paths from a connection's top level to the brand's secrets (headers, fields, query parameters). */
export function brandSecretPaths(
  definition: PresetDefinition,
): (readonly (string | QueryParameterMatcher)[])[] {
  return definition.secrets.map((s) =>
    'header' in s.placement
      ? ['configuration', 'headers', s.placement.header]
      : 'field' in s.placement
        ? ['configuration', s.placement.field]
        : ['configuration', 'destinationURL', { queryParameter: s.placement.queryParameter }],
  );
}

export { PRESETS as BRANDS };
export { presetOfBrand as brandDefinition } from '../src/presets/registry';
