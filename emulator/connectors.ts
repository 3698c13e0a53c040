import { CONFIGURATION_DEFAULTS, HTTP_CONNECTOR_ID, MASK, RECONNECT_STRATEGIES } from '../src/wire-format';
import { isPlainObject, type JsonObject } from './json';

/**
 * One table, one row per connector: which fields the API masks in reads, which configuration defaults it
 * adds, and the `configurationSchema` that `GET /connectors` shows. Everything connector-specific in the
 * emulator comes from here, so a fact learnt about the real API changes one row.
 */

/** A step in a secret's path: an exact key, or a rule on the key (header names are case-insensitive). */
export type KeyMatcher = string | ((key: string) => boolean);

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
 * A header whose value is a credential: `authorization`, `proxy-authorization`, `x-api-key`, `api-key`,
 * `apikey`, or any name containing `token`, `secret`, `password` or `signingkey` (compared in lower case,
 * ignoring `-` and `_`). `projectId` and other identifiers stay readable.
 */
export function isCredentialHeader(name: string): boolean {
  const key = name.toLowerCase().replace(/[-_]/g, '');
  return (
    ['authorization', 'proxyauthorization', 'xapikey', 'apikey'].includes(key) ||
    ['token', 'secret', 'password', 'signingkey'].some((part) => key.includes(part))
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

/** What `GET /connectors` answers for one row. */
export function describeConnector(spec: ConnectorSpec): JsonObject {
  return {
    id: spec.id,
    name: spec.name,
    connection: { configurationSchema: structuredClone(spec.configurationSchema) },
  };
}

function matches(matcher: KeyMatcher, key: string): boolean {
  return typeof matcher === 'string' ? matcher === key : matcher(key);
}

function replaceAt(
  value: unknown,
  path: readonly KeyMatcher[],
  replace: (secret: unknown) => unknown,
): unknown {
  if (path.length === 0) return value === null || value === undefined ? value : replace(value);
  if (!isPlainObject(value)) return value;
  const [head, ...rest] = path;
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
  let result: unknown = connection;
  for (const path of spec.secrets) result = replaceAt(result, path, replace);
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
