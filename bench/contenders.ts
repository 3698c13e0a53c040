/**
 * The root modules the benchmark deploys, one per contender, for the same connections (bench/fixtures.ts):
 * - `constructs`: a QubitroProjectStack, synthesized in-process (what a user of this library deploys:
 *   `cdk.tf.json` and its `iotflow_override.tf`);
 * - `native`: bare `iotflow_connection`s on the same provider, no read-back, no outputs: the constructs'
 *   own cost is the difference. Written as JSON with the same native-syntax override as the constructs,
 *   so the two differ in what they declare, not in the syntax the engine parses;
 * - `restful`: hand-written bare `restful_resource`s (magodo/restful 0.25.2), the generic peer a user
 *   would otherwise write by hand (JSON only);
 * - `terraform_data`: OpenTofu's floor, one `terraform_data` per connection holding the same body, no API,
 *   with its `input` in native syntax too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { QubitroProjectStack } from '../src';
import { NATIVE_OVERRIDE_FILE, renderNativeOverride } from '../src/native-syntax';
import { qubitroConfiguration } from '../src/qubitro-connection';
import { PROVIDER_SOURCE, PROVIDER_VERSION } from '../src/wire-format';
import { QUBITRO_BRAND, QUBITRO_CONNECTOR_ID, type QubitroProjectConnection } from '../src';
import { BENCH_PROJECT_ID } from './fixtures';
import { DEFAULT_CLIENT_ID as CLIENT_ID } from '../emulator';

export const CONTENDERS = ['constructs', 'native', 'restful', 'terraform_data'] as const;
export type Contender = (typeof CONTENDERS)[number];

type Attrs = Record<string, unknown>;

/** A root module: its Terraform JSON and, when it has one, a native-syntax override file. */
export interface RootModule {
  readonly json: Attrs;
  readonly override?: string;
}

const SECRET_PATH = 'headers.webhookSigningKey';

export function defined(o: Attrs): Attrs {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The connection's `configuration` without the signing key, as QubitroConnection builds it. */
export function configurationOf(c: QubitroProjectConnection): Attrs {
  return defined(qubitroConfiguration({ ...c, projectId: c.projectId ?? BENCH_PROJECT_ID }));
}

/** The POST body with the signing key filled in (what the API receives). */
export function postBody(c: QubitroProjectConnection, signingKey: string): Attrs {
  const configuration = configurationOf(c);
  return defined({
    name: c.name,
    connectorId: QUBITRO_CONNECTOR_ID,
    configuration: {
      ...configuration,
      headers: { ...(configuration.headers as Attrs), webhookSigningKey: signingKey },
    },
    brand: QUBITRO_BRAND,
    active: c.active,
  });
}

export interface Endpoint {
  readonly baseUrl: string;
  readonly tokenUrl: string;
}

const STACK = 'bench';

/** The ephemeral, sensitive variables the constructs declare (src/secrets.ts), without their validation. */
function variables(ephemeral: boolean): Attrs {
  const v = (description: string) =>
    defined({
      type: 'string',
      sensitive: true,
      nullable: false,
      ephemeral: ephemeral || undefined,
      description,
    });
  return {
    thingpark_client_secret: v('ThingPark client secret.'),
    qubitro_webhook_signing_key: v('Qubitro webhook signing key.'),
  };
}

function constructs(endpoint: Endpoint, connections: QubitroProjectConnection[]): RootModule {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-bench-synth-'));
  try {
    const app = new App({ outdir });
    new QubitroProjectStack(app, STACK, {
      baseUrl: endpoint.baseUrl,
      clientId: CLIENT_ID,
      tokenUrl: endpoint.tokenUrl,
      projectId: BENCH_PROJECT_ID,
      connections,
    });
    app.synth();
    const stackDir = path.join(outdir, 'stacks', STACK);
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    delete tf.terraform.backend; // the workspace's default local state
    return { json: tf, override: fs.readFileSync(path.join(stackDir, NATIVE_OVERRIDE_FILE), 'utf8') };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Bare `iotflow_connection`s, as a user of the provider would write them by hand. */
function nativeConfig(endpoint: Endpoint, connections: QubitroProjectConnection[]): Attrs {
  return {
    terraform: {
      required_providers: {
        iotflow: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION },
      },
    },
    variable: variables(true),
    provider: {
      iotflow: {
        base_url: endpoint.baseUrl,
        client_id: CLIENT_ID,
        client_secret: '${var.thingpark_client_secret}',
        token_url: endpoint.tokenUrl,
      },
    },
    resource: {
      iotflow_connection: Object.fromEntries(
        connections.map((c) => [
          c.id,
          defined({
            name: c.name,
            connector_id: QUBITRO_CONNECTOR_ID,
            brand: QUBITRO_BRAND,
            active: c.active,
            configuration: JSON.stringify(configurationOf(c)),
            secrets_wo: { [SECRET_PATH]: '${var.qubitro_webhook_signing_key}' },
          }),
        ]),
      ),
    },
  };
}

/** restful's read template for `body` without the secret: `"key":"$(body.path)"` for each leaf. */
function readTemplate(body: Attrs, prefix = ''): string {
  const parts = Object.entries(body).flatMap(([key, value]) => {
    const p = prefix ? `${prefix}.${key}` : key;
    if (p === `configuration.${SECRET_PATH}`) return [];
    if (value !== null && typeof value === 'object') return [`"${key}":${readTemplate(value as Attrs, p)}`];
    return [typeof value === 'string' ? `"${key}":"$(body.${p})"` : `"${key}":$(body.${p})`];
  });
  if (!prefix) parts.push('"id":"$(body.id)"', '"state":"$(body.state)"');
  return `{${parts.join(',')}}`;
}

/**
 * Bare `restful_resource`s: the body with the signing key from a (sensitive, not ephemeral: restful has
 * no write-only body) variable, read back by id through a template of the declared fields, the key
 * write-only. The retry settings are the ones this project used on restful.
 */
function restfulConfig(endpoint: Endpoint, connections: QubitroProjectConnection[]): Attrs {
  return {
    terraform: { required_providers: { restful: { source: 'magodo/restful', version: '0.25.2' } } },
    variable: variables(false),
    provider: {
      restful: {
        base_url: endpoint.baseUrl,
        client: {
          retry: { status_codes: [429, 502, 503, 504], count: 3, wait_in_sec: 1, max_wait_in_sec: 30 },
        },
        security: {
          oauth2: {
            client_credentials: {
              client_id: CLIENT_ID,
              client_secret: '${var.thingpark_client_secret}',
              token_url: endpoint.tokenUrl,
              in: 'params',
            },
          },
        },
      },
    },
    resource: {
      restful_resource: Object.fromEntries(
        connections.map((c) => {
          const body = postBody(c, '${var.qubitro_webhook_signing_key}');
          return [
            c.id,
            {
              path: '/connections',
              body,
              read_path: '$(path)/$(body.id)',
              read_response_template: readTemplate(body),
              write_only_attrs: [`configuration.${SECRET_PATH}`],
              output_attrs: ['id', 'state'],
              create_method: 'POST',
              update_method: 'PUT',
              delete_method: 'DELETE',
            },
          ];
        }),
      ),
    },
  };
}

/**
 * OpenTofu's floor: one built-in `terraform_data` per connection whose input is the same body (the key
 * from a plain variable, since ephemeral values cannot be stored), so a rotation updates every one.
 */
function terraformDataConfig(connections: QubitroProjectConnection[]): Attrs {
  return {
    variable: { qubitro_webhook_signing_key: { type: 'string' } },
    resource: {
      terraform_data: Object.fromEntries(
        connections.map((c) => [c.id, { input: postBody(c, '${var.qubitro_webhook_signing_key}') }]),
      ),
    },
  };
}

export function configFor(
  contender: Contender,
  endpoint: Endpoint,
  connections: QubitroProjectConnection[],
): RootModule {
  switch (contender) {
    case 'constructs':
      return constructs(endpoint, connections);
    case 'native': {
      const json = nativeConfig(endpoint, connections);
      return { json, override: renderNativeOverride(json) };
    }
    case 'restful':
      return { json: restfulConfig(endpoint, connections) };
    case 'terraform_data': {
      const json = terraformDataConfig(connections);
      return {
        json,
        override: renderNativeOverride(json, { resources: ['terraform_data'], dataSources: [] }),
      };
    }
  }
}
