/**
 * The baseline for the synth benchmark: what a user would write with raw cdktf instead of the constructs.
 * The same Terraform blocks as a `QubitroProjectStack` (two sensitive variables, one restful provider, the
 * list of connections read for adoption and again after apply for the read-back, and per connection a
 * `restful_resource` with its adoption import block and precondition, a check and two outputs), declared with
 * a plain `TerraformProvider` subclass and `TerraformResource`/`TerraformDataSource` objects whose attributes
 * are plain objects: no validation, no secret handling, no name checks.
 */
import { Construct } from 'constructs';
import {
  TerraformDataSource,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
} from 'cdktf';
import type { QubitroProjectConnection } from '../src';
import { sensitiveVariable } from '../src/secrets';

type Attrs = Record<string, unknown>;

class RawProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    private readonly providerAlias: string,
    private readonly attrs: Attrs,
  ) {
    super(scope, id, {
      terraformResourceType: 'restful',
      terraformProviderSource: 'magodo/restful',
      terraformGeneratorMetadata: { providerName: 'restful', providerVersion: '0.25.2' },
    });
  }
  public get alias(): string {
    return this.providerAlias;
  }
  protected synthesizeAttributes(): Attrs {
    return this.attrs;
  }
}

/** A resource or data source whose attributes are this plain object, as generated bindings synthesize them. */
function withAttributes<T extends TerraformResource | TerraformDataSource>(element: T, attrs: Attrs): T {
  (element as unknown as { synthesizeAttributes: () => Attrs }).synthesizeAttributes = () => attrs;
  return element;
}

const DESTINATION = 'https://webhook.qubitro.com/integrations/actility';
const SECRET = 'configuration.headers.webhookSigningKey';

/** restful's read template for `body` without the secret: `"key":"$(body.path)"` for each leaf. */
function readTemplate(body: Attrs, prefix = ''): string {
  const parts = Object.entries(body).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (path === SECRET) return [];
    if (value !== null && typeof value === 'object')
      return [`"${key}":${readTemplate(value as Attrs, path)}`];
    return [typeof value === 'string' ? `"${key}":"$(body.${path})"` : `"${key}":$(body.${path})`];
  });
  if (!prefix) parts.push('"id":"$(body.id)"', '"state":"$(body.state)"');
  return `{${parts.join(',')}}`;
}

/** The body's shape with null leaves and without the secret: what restful's import id carries. */
function nullShape(body: Attrs, prefix = ''): Attrs {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([key]) => `${prefix}${key}` !== SECRET)
      .map(([key, value]) => [
        key,
        value !== null && typeof value === 'object' ? nullShape(value as Attrs, `${prefix}${key}.`) : null,
      ]),
  );
}

function defined(o: Attrs): Attrs {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
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
    const secret = (name: string, description: string) => sensitiveVariable(this, name, description);
    const clientSecret = secret('thingpark_client_secret', 'ThingPark client secret.');
    const signingKey = secret('qubitro_webhook_signing_key', 'Qubitro webhook signing key.');
    const api = new Construct(this, 'Api');
    const alias = `${id}_api`;
    const provider = new RawProvider(api, 'Provider', alias, {
      base_url: props.baseUrl,
      client: {
        retry: { status_codes: [429, 502, 503, 504], count: 3, wait_in_sec: 1, max_wait_in_sec: 30 },
      },
      security: {
        oauth2: {
          client_credentials: {
            client_id: props.clientId,
            client_secret: clientSecret,
            token_url: `${new URL(props.baseUrl).origin}/users-auth/protocol/openid-connect/token`,
            in: 'params',
          },
        },
      },
    });

    /** `GET /connections` as a data source, its items grouped into a local by `key => value`. */
    const listInLocal = (list: string, local: string, forBody: string) => {
      const source = withAttributes(
        new TerraformDataSource(api, list, { terraformResourceType: 'restful_resource', provider }),
        { id: '/connections' },
      );
      const grouped = new TerraformLocal(
        api,
        local,
        `\${{ for c in data.restful_resource.${source.friendlyUniqueId}.output : ${forBody} }}`,
      );
      return { source, local: `local.${grouped.friendlyUniqueId}` };
    };
    // Adoption: every connection on the endpoint, read once per plan and grouped by connector/brand/name;
    // a connection not in state that has exactly one namesake there is imported instead of created.
    const byKey = listInLocal(
      'Connections',
      'ConnectionIdsByKey',
      '"${try(c.connectorId, "")}/${try(c.brand, "")}/${try(c.name, "")}" => c.id...',
    ).local;
    const imports: Attrs[] = [];
    // Read-back: the list read again after every connection is applied, states by id.
    const { source: readBack, local: stateById } = listInLocal(
      'ReadBack',
      'StateById',
      'c.id => try(c.state, "UNKNOWN")',
    );
    const resources: TerraformResource[] = [];

    for (const c of props.connections) {
      const scope = new Construct(this, c.id);
      const body = defined({
        name: c.name,
        connectorId: 'actility-http-iot',
        configuration: defined({
          destinationURL: c.destinationUrl ?? DESTINATION,
          headers: { projectId: props.projectId, webhookSigningKey: signingKey },
          description: c.description,
          createDevices: c.createDevices,
          sendMetadata: c.sendMetadata,
          sendRawDecodedFormat: c.sendRawDecodedFormat,
          uplinkTimeValidity: c.uplinkTimeValidity,
          downlinkEnabled: c.downlinkEnabled,
          downlinkAsId: c.downlinkAsId,
          downlinkPort: c.downlinkPort,
          reconnectStrategy: c.reconnectStrategy,
        }),
        brand: 'QUBITRO',
        active: c.active,
      });
      const resource = withAttributes(
        new TerraformResource(scope, 'Resource', { terraformResourceType: 'restful_resource', provider }),
        {
          path: '/connections',
          body,
          read_path: '$(path)/$(body.id)',
          read_response_template: readTemplate(body),
          write_only_attrs: [SECRET],
          output_attrs: ['id', 'state'],
          create_method: 'POST',
          update_method: 'PUT',
          delete_method: 'DELETE',
        },
      );
      const ids = `lookup(${byKey}, "actility-http-iot/QUBITRO/${c.name}", [])`;
      imports.push({
        to: `restful_resource.${resource.friendlyUniqueId}`,
        provider: `restful.${alias}`,
        for_each: `\${toset(length(${ids}) == 1 ? ${ids} : [])}`,
        id: JSON.stringify({
          id: '/connections/${each.value}',
          path: '/connections',
          body: nullShape(body),
          read_response_template: readTemplate(body),
        }),
      });
      resource.addOverride('lifecycle.precondition', [
        {
          condition: `\${length(${ids}) <= 1}`,
          error_message: `${id}/${c.id}: several connections are named ${c.name} (ids \${join(", ", ${ids})}).`,
        },
      ]);
      const state = `lookup(${stateById}, restful_resource.${resource.friendlyUniqueId}.output.id, "MISSING")`;
      const expected = c.active === false ? 'DEACTIVATED' : 'OPENED';
      this.addOverride(`check.${id}_${c.id}`, {
        assert: [
          {
            condition: `\${${state} == "${expected}"}`,
            error_message: `Connection ${id}/${c.id} is in state \${${state}}, not ${expected}.`,
          },
        ],
      });
      resources.push(resource);
      new TerraformOutput(this, `${c.id}Id`, { value: resource.interpolationForAttribute('output.id') });
      new TerraformOutput(this, `${c.id}State`, { value: `\${${state}}` });
    }
    readBack.dependsOn = resources.map((r) => `restful_resource.${r.friendlyUniqueId}`);
    this.addOverride('import', imports);
  }
}
