/**
 * The facts of the IoT Flow API and of the synthesized JSON that the constructs, the review and the emulator
 * share: paths, the Qubitro connector, its secrets, the provider's names. Plain constants without a framework
 * import, so that the review and the emulator load without cdktf.
 */
import facts from '../provider/internal/facts/facts.json';
import registry from '../provider/registry.json';

// The API facts the provider needs too come from provider/internal/facts/facts.json, which Go embeds.

/** The OAuth2 token endpoint, relative to the origin of the API base URL. */
export const TOKEN_PATH = facts.tokenPath;
/** ThingPark's Keycloak token endpoint: TOKEN_PATH at the root of the API host. */
export function defaultTokenUrl(baseUrl: string): string {
  return `${new URL(baseUrl).origin}${TOKEN_PATH}`;
}
/** What the API returns in place of a secret on every read. */
export const MASK = facts.mask;

/** Header names the API masks on reads: exact (lower case, no `-`/`_`) or containing a part. */
export const CREDENTIAL_HEADERS: Readonly<typeof facts.credentialHeaders> = Object.freeze(
  facts.credentialHeaders,
);
/** The configuration fields a read adds when they were not sent, with the value it adds. */
export const CONFIGURATION_DEFAULTS: Readonly<typeof facts.configurationDefaults> = Object.freeze({
  ...facts.configurationDefaults,
});

/** IoT Flow's generic HTTP push connector. */
export const HTTP_CONNECTOR_ID = 'actility-http-iot';
/** The connector that Qubitro (and its sister platforms) use, with the QUBITRO brand. */
export const QUBITRO_CONNECTOR_ID = HTTP_CONNECTOR_ID;
export const QUBITRO_BRAND = 'QUBITRO';
/** Where a Qubitro connection posts when `destinationUrl` is not given: Qubitro's Actility webhook. */
export const QUBITRO_DEFAULT_DESTINATION = 'https://webhook.qubitro.com/integrations/actility';

/** The values of the common parameter `reconnectStrategy`. */
export const RECONNECT_STRATEGIES = ['CALM', 'NORMAL', 'AGGRESSIVE'] as const;

/** The key under a synthesized stack's `//` metadata that records its environment and project. */
export const STACK_METADATA_KEY = 'qubitro';

/** The provider's registry address (`thingpark-qubitro/iotflow`) and version (`provider/registry.json`). */
export const PROVIDER_SOURCE = `${registry.namespace}/${registry.type}`;
export const PROVIDER_VERSION = registry.version;

/** The provider's name in `cdk.tf.json` and plans, and its connection resource type (`provider/registry.json`). */
export const PROVIDER_NAME = registry.type;
export const CONNECTION_RESOURCE = `${registry.type}_connection`;
/** The data source that lists an endpoint's connections (the read-back, adoption by name). */
export const CONNECTIONS_DATA_SOURCE = `${registry.type}_connections`;
