import { Construct } from 'constructs';
import { TerraformLocal, Token } from './framework';
import { warnWithoutEngineEnvironment } from './engine-environment';
import { authenticationChoice, duplicateConnectionName, tokenUrlNeeded } from './errors';
import { useNativeOverride } from './native-syntax';
import { uniqueName } from './names';
import {
  IotFlowConnectionsDataSource,
  IotFlowConnectionResource,
  IotFlowProvider,
} from './providers/iotflow';
import { apiSchema } from './schema/api';
import { validateProps } from './validate';
import { defaultTokenUrl } from './wire-format';

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
   * How many times a call answered 429, 502, 503 or 504 (or not answered in time) is retried, honouring
   * `Retry-After` and otherwise backing off exponentially. A POST whose answer was lost is never re-sent
   * blindly: the provider first looks the connection up by name.
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * How long one HTTP call may take before it is abandoned (and retried, see `maxRetries`), in seconds.
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * After an apply, how long to wait for changed connections to leave their transitional states (`CLOSED`,
   * `OPENING`, `AUTHENTICATING`) before warning, by name, about each one that is not `OPENED` (or
   * `DEACTIVATED` when inactive). One `GET /connections` listing per endpoint and poll; 0 reads once.
   * @default 60
   */
  readonly settleTimeoutSeconds?: number;
}

/**
 * One ThingPark endpoint: configures the `iotflow` provider (under its own alias, so several endpoints can
 * share a stack) that every connection on this endpoint uses, and reads their states back after apply.
 */
export class IotFlowApi extends Construct {
  public readonly baseUrl: string;
  /** The provider the connections of this endpoint use. */
  public readonly provider: IotFlowProvider;
  private readonly connectionNames = new Map<string, string>();
  private readonly settleTimeoutSeconds: number;
  private connectionList?: IotFlowConnectionsDataSource;
  private idsByKey?: TerraformLocal;
  private idsByName?: TerraformLocal;
  private readBack?: IotFlowConnectionsDataSource;
  private readonly readBackIds: string[] = [];
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
    this.settleTimeoutSeconds = props.settleTimeoutSeconds ?? 60;
    this.provider = new IotFlowProvider(this, 'Provider', {
      alias: uniqueName(this).toLowerCase(),
      baseUrl: this.baseUrl,
      clientId: props.clientId,
      clientSecret: props.clientSecret,
      tokenUrl: hasClient ? (props.tokenUrl ?? defaultTokenUrl(this.baseUrl)) : undefined,
      bearerToken: props.bearerToken,
      maxRetries: props.maxRetries ?? 3,
      requestTimeoutSeconds: props.timeoutSeconds ?? 30,
    });
    warnWithoutEngineEnvironment(this.provider);
    useNativeOverride(this);
  }

  /**
   * An HCL expression for the ids of the existing connections with this connector, brand and name: every
   * page of `GET /connections` read once per plan, grouped once per endpoint in a local, so each lookup is
   * O(1) (a filter per connection would make a plan of N connections O(N²)). Without a brand (`''`) any
   * brand matches, as in the provider's own check: a server may set a brand the configuration never did.
   * @internal
   */
  public _existingConnectionIds(connectorId: string, brand: string, name: string): string {
    this.connectionList ??= new IotFlowConnectionsDataSource(this, 'Connections', {
      provider: this.provider,
    });
    if (brand === '') {
      this.idsByName ??= new TerraformLocal(
        this,
        'ConnectionIdsByName',
        `\${{ for c in ${this.connectionList.connectionsRef} : "\${c.connector_id}/\${c.name}" => c.id... }}`,
      );
      return `lookup(local.${this.idsByName.friendlyUniqueId}, ${JSON.stringify(`${connectorId}/${name}`)}, [])`;
    }
    this.idsByKey ??= new TerraformLocal(
      this,
      'ConnectionIdsByKey',
      `\${{ for c in ${this.connectionList.connectionsRef} : ` +
        `"\${c.connector_id}/\${c.brand == null ? "" : c.brand}/\${c.name}" => c.id... }}`,
    );
    // connectorId and brand cannot contain "/", so the name, last, keeps the key unambiguous.
    return `lookup(local.${this.idsByKey.friendlyUniqueId}, ${JSON.stringify(`${connectorId}/${brand}/${name}`)}, [])`;
  }

  /**
   * Reads the connection back once every connection of the endpoint is applied: one listing per endpoint
   * (not one GET per connection), which waits for settling connections and warns by name about unhealthy
   * ones, so plans carry no per-connection check.
   * @internal
   */
  public _readBackAfterApply(resource: IotFlowConnectionResource): void {
    this.readBack ??= new IotFlowConnectionsDataSource(this, 'ReadBack', {
      provider: this.provider,
      ids: this.readBackIds,
      settleTimeoutSeconds: this.settleTimeoutSeconds,
    });
    this.readBackIds.push(resource.id);
    this.readBack.dependsOn = [...(this.readBack.dependsOn ?? []), resource.address];
  }

  /**
   * An HCL expression for a connection's state as read back after apply. The lookup local is made only
   * when a state is asked for, so a stack that uses none pays nothing for it.
   * @internal
   */
  public _stateAfterApply(resource: IotFlowConnectionResource): string {
    this.stateById ??= new TerraformLocal(
      this,
      'StateById',
      `\${{ for c in ${this.readBack!.connectionsRef} : c.id => c.state }}`,
    );
    return `lookup(local.${this.stateById.friendlyUniqueId}, ${resource.address}.id, "MISSING")`;
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
