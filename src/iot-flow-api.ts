import { Construct } from 'constructs';
import { TerraformLocal, Token } from 'cdktf';
import { authenticationChoice, duplicateConnectionName, tokenUrlNeeded } from './errors';
import { uniqueName } from './names';
import {
  DataRestfulResource,
  RestfulProvider,
  RestfulResource,
  RestfulRetry,
  restfulEphemeralResource,
} from './providers/restful';
import { apiSchema } from './schema/api';
import { validateProps } from './validate';

export interface IotFlowApiProps {
  /**
   * The IoT Flow API base URL, e.g. `https://community.thingpark.io/iot-flow/v1` or, on ThingPark
   * Enterprise, `https://<domain>/thingpark/dx/core/latest/api`. https, or http on a loopback host.
   */
  readonly baseUrl: string;
  /**
   * OAuth2 client id of a ThingPark service account.
   * @default - none: pass `bearerToken` instead
   */
  readonly clientId?: string;
  /**
   * OAuth2 client secret, as a token from a sensitive `TerraformVariable`.
   * @default - none: pass `bearerToken` instead
   */
  readonly clientSecret?: string;
  /**
   * The OAuth2 token endpoint.
   * @default - `<origin of baseUrl>/users-auth/protocol/openid-connect/token`
   */
  readonly tokenUrl?: string;
  /**
   * A ready bearer token instead of client credentials, as a token from a sensitive `TerraformVariable`.
   * @default - none: client credentials are used
   */
  readonly bearerToken?: string;
  /**
   * How many times a call answered 429, 502, 503 or 504 (or not answered) is retried, honouring
   * `Retry-After`. restful 0.25.2 drops its retry settings when OAuth2 client credentials are configured,
   * so with `clientId`/`clientSecret` this takes effect only once the provider fixes that.
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * With client credentials: fetch one token per run through an ephemeral resource (never stored in
   * state) and pass it to the provider as a bearer token. The provider then keeps its retries, so
   * rate limiting and brief outages are ridden out, but (1) a token that expires during a run is not
   * renewed, and (2) a POST whose answer is lost is retried and may create a duplicate, which the next
   * plan reports by name (see `adoptExisting`).
   * @default false - the provider's OAuth2 client fetches the token and renews it when it expires, and
   * restful 0.25.2 then ignores retries: a 429 or 503 fails the apply, and a re-run converges.
   */
  readonly tokenPerRun?: boolean;
}

/** The collection every connection lives in, relative to the API base URL. */
export const CONNECTIONS_PATH = '/connections';

/** The HTTP statuses worth retrying: rate limiting and a gateway or service that is briefly unavailable. */
export const RETRY_STATUS_CODES = [429, 502, 503, 504];

/**
 * One ThingPark endpoint: configures the REST provider (under its own alias, so several endpoints can share a
 * stack) that every connection on this endpoint uses. The provider fetches one OAuth2 token per run.
 */
export class IotFlowApi extends Construct {
  public readonly baseUrl: string;
  /** The provider the connections of this endpoint use. */
  public readonly provider: RestfulProvider;
  private readonly connectionNames = new Map<string, string>();
  private idsByKey?: TerraformLocal;
  private readBack?: DataRestfulResource;
  private stateById?: TerraformLocal;

  constructor(scope: Construct, id: string, props: IotFlowApiProps) {
    super(scope, id);
    validateProps(this.node.path, apiSchema, props, {
      secrets: { clientSecret: 'thingpark_client_secret', bearerToken: 'thingpark_bearer_token' },
    });
    const hasClient = props.clientId !== undefined || props.clientSecret !== undefined;
    if (
      hasClient === (props.bearerToken !== undefined) ||
      (hasClient && (!props.clientId || !props.clientSecret))
    ) {
      const given = (['clientId', 'clientSecret', 'bearerToken'] as const).filter(
        (k) => props[k] !== undefined,
      );
      throw authenticationChoice(this.node.path, given);
    }
    if (hasClient && props.tokenUrl === undefined && Token.isUnresolved(props.baseUrl)) {
      throw tokenUrlNeeded(this.node.path);
    }
    this.baseUrl = props.baseUrl.replace(/\/+$/, '');
    const alias = uniqueName(this).toLowerCase();
    const retry: RestfulRetry = {
      statusCodes: RETRY_STATUS_CODES,
      count: props.maxRetries ?? 3,
      waitInSec: 1,
    };
    const tokenUrl = hasClient ? (props.tokenUrl ?? defaultTokenUrl(this.baseUrl)) : undefined;
    let bearerToken = props.bearerToken;
    if (hasClient && props.tokenPerRun) {
      if (Token.isUnresolved(tokenUrl)) throw tokenUrlNeeded(this.node.path);
      const url = new URL(tokenUrl!);
      const tokenProvider = new RestfulProvider(this, 'TokenProvider', {
        alias: `${alias}_token`,
        baseUrl: url.origin,
        retry,
      });
      const token = restfulEphemeralResource(this, `${alias}_token`, {
        provider: tokenProvider,
        path: url.pathname,
        method: 'POST',
        header: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: {
          grant_type: 'client_credentials',
          client_id: props.clientId,
          client_secret: props.clientSecret,
        },
      });
      bearerToken = token('access_token');
    }
    this.provider = new RestfulProvider(this, 'Provider', {
      alias,
      baseUrl: this.baseUrl,
      retry,
      oauth2ClientCredentials:
        hasClient && !props.tokenPerRun
          ? { clientId: props.clientId!, clientSecret: props.clientSecret!, tokenUrl: tokenUrl! }
          : undefined,
      bearerToken,
    });
  }

  /**
   * An HCL expression for the ids of the existing connections with this connector, brand and name: read
   * with one `GET /connections` per plan, grouped once per endpoint in a local, so each lookup is O(1)
   * (a filter per connection would make a plan of N connections O(N²)).
   * @internal
   */
  public _existingConnectionIds(connectorId: string, brand: string, name: string): string {
    if (!this.idsByKey) {
      const list = new DataRestfulResource(this, 'Connections', {
        provider: this.provider,
        id: CONNECTIONS_PATH,
      });
      this.idsByKey = new TerraformLocal(
        this,
        'ConnectionIdsByKey',
        `\${{ for c in data.${DataRestfulResource.tfResourceType}.${list.friendlyUniqueId}.output : ` +
          `"\${try(c.connectorId, "")}/\${try(c.brand, "")}/\${try(c.name, "")}" => c.id... }}`,
      );
    }
    // connectorId and brand cannot contain "/", so the name, last, keeps the key unambiguous.
    return `lookup(local.${this.idsByKey.friendlyUniqueId}, ${JSON.stringify(`${connectorId}/${brand}/${name}`)}, [])`;
  }

  /**
   * An HCL expression for a connection's state read back after apply: one `GET /connections` per endpoint
   * and plan, made once every connection of the endpoint is applied (depends_on), instead of one GET per
   * connection.
   * @internal
   */
  public _stateAfterApply(resource: RestfulResource): string {
    if (!this.readBack || !this.stateById) {
      this.readBack = new DataRestfulResource(this, 'ReadBack', {
        provider: this.provider,
        id: CONNECTIONS_PATH,
      });
      this.stateById = new TerraformLocal(
        this,
        'StateById',
        `\${{ for c in data.${DataRestfulResource.tfResourceType}.${this.readBack.friendlyUniqueId}.output : ` +
          'c.id => try(c.state, "UNKNOWN") }}',
      );
    }
    const address = `${RestfulResource.tfResourceType}.${resource.friendlyUniqueId}`;
    this.readBack.dependsOn = [...(this.readBack.dependsOn ?? []), address];
    return `lookup(local.${this.stateById.friendlyUniqueId}, ${address}.output.id, "MISSING")`;
  }

  /**
   * Records that a connection with this name is managed here; IoT Flow does not enforce unique names, but two
   * declarations of one name on one endpoint are nearly always a copy-paste error and make adoption ambiguous.
   * @internal
   */
  public _claimConnectionName(name: string, constructPath: string): void {
    if (Token.isUnresolved(name)) return;
    const other = this.connectionNames.get(name);
    if (other !== undefined) throw duplicateConnectionName(constructPath, name, other);
    this.connectionNames.set(name, constructPath);
  }
}

/** ThingPark's Keycloak token endpoint lives at the root of the API host. */
export function defaultTokenUrl(baseUrl: string): string {
  return `${new URL(baseUrl).origin}/users-auth/protocol/openid-connect/token`;
}
