import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { authenticationChoice, duplicateConnectionName, tokenUrlNeeded } from './errors';
import { uniqueName } from './names';
import { RestfulProvider } from './providers/restful';
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
}

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
    this.provider = new RestfulProvider(this, 'Provider', {
      alias: uniqueName(this).toLowerCase(),
      baseUrl: this.baseUrl,
      retry: {
        statusCodes: RETRY_STATUS_CODES,
        count: props.maxRetries ?? 3,
        waitInSec: 1,
        maxWaitInSec: 30,
      },
      oauth2ClientCredentials: hasClient
        ? {
            clientId: props.clientId!,
            clientSecret: props.clientSecret!,
            tokenUrl: props.tokenUrl ?? defaultTokenUrl(this.baseUrl),
          }
        : undefined,
      bearerToken: props.bearerToken,
    });
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
