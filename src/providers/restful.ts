/**
 * A small typed binding (L1) of the magodo/restful Terraform provider, which has no prebuilt cdktf package.
 * Attribute names follow the provider's schema; test/engine checks them against `tofu providers schema -json`.
 * Only what the constructs use is bound; the REST provider is reached through this file alone.
 */
import { Construct } from 'constructs';
import {
  ITerraformDependable,
  TerraformDataSource,
  TerraformMetaArguments,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
} from 'cdktf';

export const RESTFUL_PROVIDER = {
  source: 'magodo/restful',
  version: '0.25.2',
} as const;

const generatorMetadata = {
  providerName: 'restful',
  providerVersion: RESTFUL_PROVIDER.version,
  providerVersionConstraint: RESTFUL_PROVIDER.version,
};

export interface RestfulRetry {
  readonly statusCodes: number[];
  readonly count: number;
  readonly waitInSec: number;
}

export interface RestfulProviderConfig {
  readonly alias?: string;
  readonly baseUrl: string;
  readonly retry?: RestfulRetry;
  readonly oauth2ClientCredentials?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly tokenUrl: string;
  };
  readonly bearerToken?: string;
}

export class RestfulProvider extends TerraformProvider {
  private _alias?: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly config: RestfulProviderConfig,
  ) {
    super(scope, id, {
      terraformResourceType: 'restful',
      terraformGeneratorMetadata: generatorMetadata,
      terraformProviderSource: RESTFUL_PROVIDER.source,
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
    const { baseUrl, retry, oauth2ClientCredentials: cc, bearerToken } = this.config;
    return {
      alias: this.alias,
      base_url: baseUrl,
      client: retry && {
        retry: {
          status_codes: retry.statusCodes,
          count: retry.count,
          wait_in_sec: retry.waitInSec,
          // max_wait_in_sec is left out: restful 0.25.2 assigns it to the *minimum* wait (provider.go:918).
        },
      },
      security: cc
        ? {
            oauth2: {
              client_credentials: {
                client_id: cc.clientId,
                client_secret: cc.clientSecret,
                token_url: cc.tokenUrl,
                // One style, not auto-detection: auto-detection costs a failed token call per run.
                in: 'params',
              },
            },
          }
        : bearerToken !== undefined
          ? { http: { token: { token: bearerToken } } }
          : undefined,
    };
  }
}

export interface RestfulResourceConfig extends TerraformMetaArguments {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly readPath: string;
  readonly readResponseTemplate: string;
  readonly writeOnlyAttrs?: string[];
  readonly outputAttrs?: string[];
  readonly createMethod: 'POST' | 'PUT';
  readonly updateMethod: 'PUT' | 'PATCH';
  readonly deleteMethod: 'DELETE';
}

/** `restful_resource`: one REST object, created, replaced and deleted by the provider. */
export class RestfulResource extends TerraformResource {
  public static readonly tfResourceType = 'restful_resource';

  constructor(
    scope: Construct,
    id: string,
    private readonly config: RestfulResourceConfig,
  ) {
    super(scope, id, {
      terraformResourceType: RestfulResource.tfResourceType,
      terraformGeneratorMetadata: generatorMetadata,
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach,
    });
  }

  /** The object's path, e.g. `/connections/1000`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** An attribute of the response body kept in `output` (see `outputAttrs`). */
  public outputAttribute(name: string): string {
    return this.interpolationForAttribute(`output.${name}`).toString();
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return {
      path: c.path,
      body: c.body,
      read_path: c.readPath,
      read_response_template: c.readResponseTemplate,
      write_only_attrs: c.writeOnlyAttrs,
      output_attrs: c.outputAttrs,
      create_method: c.createMethod,
      update_method: c.updateMethod,
      delete_method: c.deleteMethod,
    };
  }
}

export interface DataRestfulResourceConfig extends TerraformMetaArguments {
  /** The path to read, relative to the provider's base URL. */
  readonly id: string;
}

/** `data "restful_resource"`: a read-only GET through the same provider (and its OAuth token). */
export class DataRestfulResource extends TerraformDataSource {
  public static readonly tfResourceType = 'restful_resource';

  constructor(
    scope: Construct,
    id: string,
    private readonly config: DataRestfulResourceConfig,
  ) {
    super(scope, id, {
      terraformResourceType: DataRestfulResource.tfResourceType,
      terraformGeneratorMetadata: generatorMetadata,
      provider: config.provider,
      dependsOn: config.dependsOn as ITerraformDependable[] | undefined,
      lifecycle: config.lifecycle,
    });
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { id: this.config.id };
  }
}

export interface RestfulEphemeralConfig {
  readonly provider: RestfulProvider;
  readonly path: string;
  readonly method: 'POST' | 'GET';
  readonly header?: Record<string, string>;
  readonly body?: Record<string, unknown>;
}

/**
 * `ephemeral "restful_resource"`: opened on every plan and apply, never stored in state. cdktf 0.21 has no
 * ephemeral resource class, so the block is written as a stack override. Returns a reference to an
 * attribute of its sensitive output.
 */
export function restfulEphemeralResource(scope: Construct, name: string, config: RestfulEphemeralConfig) {
  TerraformStack.of(scope).addOverride(`ephemeral.restful_resource.${name}`, {
    provider: config.provider.fqn,
    path: config.path,
    method: config.method,
    header: config.header,
    body: config.body,
    use_sensitive_output: true,
  });
  return (attribute: string) => `\${ephemeral.restful_resource.${name}.sensitive_output.${attribute}}`;
}
