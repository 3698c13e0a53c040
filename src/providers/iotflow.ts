/**
 * The typed binding (L1) of the project's own `iotflow` provider (`provider/`), which has no prebuilt cdktf
 * package. Attribute names follow the provider's schema; test/engine checks them against
 * `tofu providers schema -json`. The provider is reached through this file alone. Each class is named after
 * its Terraform kind (`…Provider`, `…Resource`, `…DataSource`), never a case variant of a construct's name.
 */
import { Construct } from 'constructs';
import {
  ITerraformDependable,
  TerraformDataSource,
  TerraformMetaArguments,
  TerraformProvider,
  TerraformResource,
} from '../framework';
import {
  CONNECTION_RESOURCE,
  CONNECTIONS_DATA_SOURCE,
  PROVIDER_NAME,
  PROVIDER_SOURCE,
  PROVIDER_VERSION,
} from '../wire-format';

const generatorMetadata = {
  providerName: PROVIDER_NAME,
  providerVersion: PROVIDER_VERSION,
  providerVersionConstraint: PROVIDER_VERSION,
};

/** The given config fields as provider schema attributes: `connectorId` → `connector_id`, and so on. */
function attributes<C extends object>(
  config: C,
  fields: readonly (keyof C & string)[],
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((f) => [f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), config[f]]),
  );
}

/** The provider block's attributes, camelCased; the optional string ones (credentials, token URL) at once. */
export interface IotFlowProviderConfig extends Readonly<
  Partial<Record<'clientId' | 'clientSecret' | 'tokenUrl' | 'bearerToken', string>>
> {
  readonly alias?: string;
  readonly baseUrl: string;
  readonly maxRetries?: number;
  readonly requestTimeoutSeconds?: number;
}

export class IotFlowProvider extends TerraformProvider {
  private _alias?: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly config: IotFlowProviderConfig,
  ) {
    super(scope, id, {
      terraformResourceType: PROVIDER_NAME,
      terraformGeneratorMetadata: generatorMetadata,
      terraformProviderSource: PROVIDER_SOURCE,
    });
    this._alias = config.alias;
  }

  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {
      alias: this.alias,
      ...attributes(this.config, [
        'baseUrl',
        'clientId',
        'clientSecret',
        'tokenUrl',
        'bearerToken',
        'maxRetries',
        'requestTimeoutSeconds',
      ]),
    };
  }
}

export interface IotFlowConnectionResourceConfig extends TerraformMetaArguments {
  readonly name: string;
  readonly connectorId: string;
  readonly brand?: string;
  readonly active?: unknown;
  /** The configuration without its secrets, as a JSON object string. */
  readonly configuration: string;
  /** The alarms as a JSON array string. */
  readonly alarms?: string;
  /** Write-only: dotted path inside `configuration` → secret, sent on every write, never stored. */
  readonly secretsWo?: Record<string, string>;
}

/** `iotflow_connection`: one IoT Flow connection (POST creates, PUT replaces, DELETE removes). */
export class IotFlowConnectionResource extends TerraformResource {
  public static readonly tfResourceType = CONNECTION_RESOURCE;

  constructor(
    scope: Construct,
    id: string,
    private readonly config: IotFlowConnectionResourceConfig,
  ) {
    super(scope, id, {
      terraformResourceType: IotFlowConnectionResource.tfResourceType,
      terraformGeneratorMetadata: generatorMetadata,
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach,
    });
  }

  /** Its address in the configuration, e.g. `iotflow_connection.Uplinks_0B1B410F`, for moved and import blocks. */
  public get address(): string {
    return `${IotFlowConnectionResource.tfResourceType}.${this.friendlyUniqueId}`;
  }

  /** The server-assigned connection id, e.g. `"1114"`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The connection state as last written or read, e.g. `OPENING` right after a change. */
  public get state(): string {
    return this.getStringAttribute('state');
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return attributes(this.config, [
      'name',
      'connectorId',
      'brand',
      'active',
      'configuration',
      'alarms',
      'secretsWo',
    ]);
  }
}

export interface IotFlowConnectionsDataSourceConfig extends TerraformMetaArguments {
  /** Only these connections: a `list(string)` (order and repeats do not matter; a set would cost O(n²) in the provider). */
  readonly ids?: string[];
  /** Wait up to this long for the listed connections to leave transitional states, then warn by name. */
  readonly settleTimeoutSeconds?: number;
}

/** `data "iotflow_connections"`: every page of `GET /connections`, optionally filtered. */
export class IotFlowConnectionsDataSource extends TerraformDataSource {
  public static readonly tfResourceType = CONNECTIONS_DATA_SOURCE;

  constructor(
    scope: Construct,
    id: string,
    private readonly config: IotFlowConnectionsDataSourceConfig,
  ) {
    super(scope, id, {
      terraformResourceType: IotFlowConnectionsDataSource.tfResourceType,
      terraformGeneratorMetadata: generatorMetadata,
      provider: config.provider,
      dependsOn: config.dependsOn as ITerraformDependable[] | undefined,
      lifecycle: config.lifecycle,
    });
  }

  /** An HCL reference to the `connections` list. */
  public get connectionsRef(): string {
    return `data.${IotFlowConnectionsDataSource.tfResourceType}.${this.friendlyUniqueId}.connections`;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return attributes(this.config, ['ids', 'settleTimeoutSeconds']);
  }
}
