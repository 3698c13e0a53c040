/**
 * The baseline for the synth benchmark: what a user would write with raw cdktf instead of the constructs.
 * The same Terraform blocks as a `QubitroProjectStack` (two ephemeral sensitive variables, one `iotflow`
 * provider under an alias, per connection an `iotflow_connection` with its configuration as a JSON string
 * and the signing key in `secrets_wo`, the `iotflow_connections` read-back of all of them after apply with
 * its states by id in a local, and an id and a state output per connection), declared with a plain
 * `TerraformProvider` subclass and `TerraformResource`/`TerraformDataSource` objects whose attributes are
 * plain objects: no validation, no secret checks, no name checks.
 */
import { Construct } from 'constructs';
import {
  TerraformDataSource,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
} from 'cdktf';
import { PROVIDER_NAME, PROVIDER_SOURCE, PROVIDER_VERSION } from '../src/wire-format';
import type { QubitroProjectConnection } from '../src';
import { sensitiveVariable } from '../src/secrets';
import { configurationOf, defined } from './contenders';

type Attrs = Record<string, unknown>;

class RawProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    private readonly providerAlias: string,
    private readonly attrs: Attrs,
  ) {
    super(scope, id, {
      terraformResourceType: PROVIDER_NAME,
      terraformProviderSource: PROVIDER_SOURCE,
      terraformGeneratorMetadata: {
        providerName: PROVIDER_NAME,
        providerVersion: PROVIDER_VERSION,
        providerVersionConstraint: PROVIDER_VERSION,
      },
    });
  }
  public get alias(): string {
    return this.providerAlias;
  }
  protected synthesizeAttributes(): Attrs {
    return { alias: this.providerAlias, ...this.attrs };
  }
}

/** A resource or data source whose attributes are this plain object, as generated bindings synthesize them. */
function withAttributes<T extends TerraformResource | TerraformDataSource>(element: T, attrs: Attrs): T {
  (element as unknown as { synthesizeAttributes: () => Attrs }).synthesizeAttributes = () => attrs;
  return element;
}

export interface RawProjectStackProps {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly projectId: string;
  readonly connections: QubitroProjectConnection[];
}

export class RawProjectStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: RawProjectStackProps) {
    super(scope, id);
    // Variables are plain cdktf either way; the library's helper keeps the two declarations identical.
    const clientSecret = sensitiveVariable(
      this,
      'thingpark_client_secret',
      'ThingPark client secret.',
    ).stringValue;
    const signingKey = sensitiveVariable(
      this,
      'qubitro_webhook_signing_key',
      'Qubitro webhook signing key.',
      {
        notForDestroy: true,
      },
    ).stringValue;
    const api = new Construct(this, 'Api');
    const provider = new RawProvider(api, 'Provider', `${id}_api`, {
      base_url: props.baseUrl,
      client_id: props.clientId,
      client_secret: clientSecret,
      token_url: `${new URL(props.baseUrl).origin}/users-auth/protocol/openid-connect/token`,
      max_retries: 3,
      request_timeout_seconds: 30,
    });

    const resources: TerraformResource[] = [];
    for (const c of props.connections) {
      const scope = new Construct(this, c.id);
      const configuration = configurationOf({ ...c, projectId: c.projectId ?? props.projectId });
      resources.push(
        withAttributes(
          new TerraformResource(scope, 'Resource', { terraformResourceType: 'iotflow_connection', provider }),
          defined({
            name: c.name,
            connector_id: 'actility-http-iot',
            brand: 'QUBITRO',
            active: c.active,
            configuration: JSON.stringify(configuration),
            secrets_wo: { 'headers.webhookSigningKey': signingKey },
          }),
        ),
      );
    }
    // Read-back: every page of the list, read once after every connection is applied; states by id.
    const readBack = withAttributes(
      new TerraformDataSource(api, 'ReadBack', { terraformResourceType: 'iotflow_connections', provider }),
      {
        ids: resources.map((r) => r.interpolationForAttribute('id')),
        settle_timeout_seconds: 60,
      },
    );
    readBack.dependsOn = resources.map((r) => `iotflow_connection.${r.friendlyUniqueId}`);
    new TerraformOutput(this, 'ConnectionIds', {
      value: Object.fromEntries(
        props.connections.map((c, i) => [c.id, resources[i].interpolationForAttribute('id')]),
      ),
    });
  }
}
