import {
  CONFIGURATION_DEFAULTS,
  CREDENTIAL_HEADERS,
  HTTP_CONNECTOR_ID,
  MASK,
  RECONNECT_STRATEGIES,
} from '../src/wire-format';
import {
  BRANDS,
  brandConfigurationSchema,
  brandDefinition,
  brandSecretPaths,
  type QueryParameterMatcher,
} from './brands';
import { isPlainObject, type JsonObject } from './json';

/**
 * One table, one row per connector: which fields the API masks in reads, which configuration defaults it
 * adds, and the `configurationSchema` that `GET /connectors` shows. Everything connector-specific in the
 * emulator comes from here, so a fact learnt about the real API changes one row.
 */

/**
 * A step in a secret's path: an exact key, a rule on the key (header names are case-insensitive), or a
 * query parameter of a URL string (the last step).
 */
export type KeyMatcher = string | ((key: string) => boolean) | QueryParameterMatcher;

export interface ConnectorSpec {
  id: string;
  name: string;
  /** Paths from the connection's top level to values read back as `"*****"`. */
  secrets: readonly (readonly KeyMatcher[])[];
  /** Added inside `configuration` on reads when not sent. */
  configurationDefaults: Readonly<JsonObject>;
  /** What `GET /connectors` shows as `connection.configurationSchema`. */
  configurationSchema: JsonObject;
}

/**
 * A header whose value is a credential (facts.json, which the provider reads too): one of the names, or a
 * name containing one of the parts, compared in lower case without `-` and `_`. `projectId` and other
 * identifiers stay readable.
 */
export function isCredentialHeader(name: string): boolean {
  const key = name.toLowerCase().replace(/[-_]/g, '');
  return (
    CREDENTIAL_HEADERS.names.includes(key) || CREDENTIAL_HEADERS.containing.some((part) => key.includes(part))
  );
}

/** The common parameters' defaults (About_connections.md), which every connector shares (facts.json). */
export const COMMON_CONFIGURATION_DEFAULTS: Readonly<JsonObject> = CONFIGURATION_DEFAULTS;

const COMMON_SCHEMA_PROPERTIES: JsonObject = {
  description: { type: 'string', description: 'Free text' },
  createDevices: { type: 'boolean', default: CONFIGURATION_DEFAULTS.createDevices },
  sendMetadata: { type: 'boolean', default: CONFIGURATION_DEFAULTS.sendMetadata },
  sendRawDecodedFormat: { type: 'boolean', default: CONFIGURATION_DEFAULTS.sendRawDecodedFormat },
  uplinkTimeValidity: { type: 'string', description: 'Duration such as "5m"', examples: ['5m'] },
  downlinkEnabled: { type: 'boolean', default: CONFIGURATION_DEFAULTS.downlinkEnabled },
  downlinkAsId: { type: 'string' },
  downlinkAsKey: { type: 'string', writeOnly: true, description: `Secret: read back as "${MASK}"` },
  downlinkPort: { type: ['integer', 'string'], description: 'LoRaWAN FPort; the docs send "1"' },
  reconnectStrategy: {
    type: 'string',
    enum: [...RECONNECT_STRATEGIES],
    default: CONFIGURATION_DEFAULTS.reconnectStrategy,
  },
};

const HTTP_CONNECTOR: ConnectorSpec = {
  id: HTTP_CONNECTOR_ID,
  name: 'HTTP',
  secrets: [
    ['configuration', 'headers', isCredentialHeader],
    ['configuration', 'downlinkAsKey'],
    ['configuration', 'password'],
  ],
  configurationDefaults: COMMON_CONFIGURATION_DEFAULTS,
  configurationSchema: {
    type: 'object',
    required: ['destinationURL'],
    properties: {
      destinationURL: { type: 'string', format: 'uri' },
      headers: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: `Sent with every uplink; credential-like headers are read back as "${MASK}"`,
      },
      ...COMMON_SCHEMA_PROPERTIES,
    },
  },
};

/** An example of a cloud connector with its own credentials (the docs' AWS example masks these). */
const AWS_CONNECTOR: ConnectorSpec = {
  id: 'actility-aws-iot',
  name: 'AWS IoT',
  secrets: [
    ['configuration', 'accessKeyId'],
    ['configuration', 'secretAccessKey'],
    ['configuration', 'certificate'],
    ['configuration', 'downlinkAsKey'],
  ],
  configurationDefaults: COMMON_CONFIGURATION_DEFAULTS,
  configurationSchema: {
    type: 'object',
    required: ['region', 'accessKeyId', 'secretAccessKey'],
    properties: {
      region: { type: 'string' },
      accessKeyId: { type: 'string', writeOnly: true },
      secretAccessKey: { type: 'string', writeOnly: true },
      certificate: { type: 'string', writeOnly: true },
      ...COMMON_SCHEMA_PROPERTIES,
    },
  },
};

export const CONNECTORS: readonly ConnectorSpec[] = [HTTP_CONNECTOR, AWS_CONNECTOR];

/**
 * The row for `connectorId`. A connector the table does not know is treated like the HTTP connector,
 * which every documented sister connector (Qubitro, Tago, Datacake, …) is built on.
 */
function connectorFor(connectorId: unknown): ConnectorSpec {
  return CONNECTORS.find((spec) => spec.id === connectorId) ?? HTTP_CONNECTOR;
}

export function findConnector(id: string): ConnectorSpec | undefined {
  return CONNECTORS.find((spec) => spec.id === id);
}

/** The configuration schema of a brand of the HTTP connector, which POST and PUT enforce. */
export function brandSchema(brand: unknown): JsonObject | undefined {
  const definition = brandDefinition(brand);
  return definition && brandConfigurationSchema(definition, COMMON_SCHEMA_PROPERTIES);
}

/**
 * What `GET /connectors` answers for one row; the HTTP connector lists its brands with their schemas
 * (assumed shape: the public docs show the connector's `configurationSchema`, not how brands appear).
 */
export function describeConnector(spec: ConnectorSpec): JsonObject {
  return {
    id: spec.id,
    name: spec.name,
    connection: { configurationSchema: structuredClone(spec.configurationSchema) },
    ...(spec.id === HTTP_CONNECTOR_ID
      ? {
          brands: BRANDS.map((b) => ({
            brand: b.brand,
            name: b.title,
            connection: { configurationSchema: brandSchema(b.brand) },
          })),
        }
      : {}),
  };
}

function matches(matcher: Exclude<KeyMatcher, QueryParameterMatcher>, key: string): boolean {
  return typeof matcher === 'string' ? matcher === key : matcher(key);
}

/** `url` with the value of the query parameter `name` replaced (every other byte kept). */
function replaceQueryParameter(url: string, name: string, replace: (secret: unknown) => unknown): string {
  const [beforeFragment, ...fragment] = url.split('#');
  const [base, ...query] = beforeFragment.split('?');
  if (query.length === 0) return url;
  const params = query
    .join('?')
    .split('&')
    .map((kv) => {
      const [key, ...value] = kv.split('=');
      if (decodeQueryComponent(key) !== name) return kv;
      return `${key}=${String(replace(decodeQueryComponent(value.join('='))))}`;
    });
  return [`${base}?${params.join('&')}`, ...fragment].join('#');
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function replaceAt(
  value: unknown,
  path: readonly KeyMatcher[],
  replace: (secret: unknown) => unknown,
): unknown {
  if (path.length === 0) return value === null || value === undefined ? value : replace(value);
  const [head, ...rest] = path;
  if (typeof head === 'object') {
    return typeof value === 'string' ? replaceQueryParameter(value, head.queryParameter, replace) : value;
  }
  if (!isPlainObject(value)) return value;
  let copy: JsonObject | undefined;
  for (const [key, item] of Object.entries(value)) {
    if (!matches(head, key)) continue;
    const next = replaceAt(item, rest, replace);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

/** Copy of a connection body with every secret of its connector replaced; the input is not changed. */
export function replaceSecrets<T>(connection: T, replace: (secret: unknown) => unknown): T {
  if (!isPlainObject(connection)) return connection;
  const spec = connectorFor(connection.connectorId);
  const brand = brandDefinition(connection.brand);
  // A value two paths name (a brand's header is also a credential header) is replaced once.
  const produced = new Set<unknown>();
  const once = (secret: unknown) => {
    if (produced.has(secret)) return secret;
    const replaced = replace(secret);
    produced.add(replaced);
    return replaced;
  };
  let result: unknown = connection;
  for (const path of [...spec.secrets, ...(brand ? brandSecretPaths(brand) : [])]) {
    result = replaceAt(result, path, once);
  }
  return result as T;
}

/** Copy of a connection with the server-side defaults its connector adds on reads. */
export function withServerDefaults<T extends JsonObject>(connection: T): T {
  const spec = connectorFor(connection.connectorId);
  const configuration = isPlainObject(connection.configuration)
    ? { ...spec.configurationDefaults, ...connection.configuration }
    : connection.configuration;
  return { ...connection, active: connection.active ?? true, configuration };
}
