import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from './framework';
import { IotFlowApi } from './iot-flow-api';
import { QubitroConnection, QubitroConnectionProps } from './qubitro-connection';
import { projectStackSchema } from './schema/stack';
import { encryptStateAndPlans } from './encryption';
import { addBackend, resolveStackBackend } from './backend';
import type { BackendConfig } from './schema/backend';
import { sensitiveVariable } from './secrets';
import { validateProps } from './validate';

const DEFAULT_CLIENT_SECRET_VARIABLE = 'thingpark_client_secret';
const DEFAULT_BEARER_TOKEN_VARIABLE = 'thingpark_bearer_token';
const DEFAULT_SIGNING_KEY_VARIABLE = 'qubitro_webhook_signing_key';

/** One connection of a project stack: everything but what the stack provides. */
export interface QubitroProjectConnection extends Omit<
  QubitroConnectionProps,
  'api' | 'projectId' | 'webhookSigningKey' | 'downlinkAsKey'
> {
  /**
   * The construct id, PascalCase, e.g. `Uplinks`. It names the resource in state: changing it replaces the
   * connection, so it is set explicitly rather than derived from `name`.
   */
  readonly id: string;
  /**
   * Overrides the stack's Qubitro project id for this connection.
   * @default - the stack's `projectId`
   */
  readonly projectId?: string;
}

export interface QubitroProjectStackProps {
  /** The IoT Flow API base URL (see `IotFlowApiProps.baseUrl`). */
  readonly baseUrl: string;
  /**
   * OAuth2 client id of the ThingPark service account; its secret comes from `TF_VAR_<clientSecretVariable>`.
   * @default - none: a bearer token is read from `TF_VAR_<bearerTokenVariable>` instead
   */
  readonly clientId?: string;
  /**
   * The OAuth2 token endpoint.
   * @default - `<origin of baseUrl>/users-auth/protocol/openid-connect/token`
   */
  readonly tokenUrl?: string;
  /** The Qubitro project id (a UUID) the connections deliver to. */
  readonly projectId: string;
  /** The connections that forward to this project. */
  readonly connections: QubitroProjectConnection[];
  /**
   * Name of the sensitive variable holding the ThingPark client secret, set as `TF_VAR_<name>`.
   * @default thingpark_client_secret
   */
  readonly clientSecretVariable?: string;
  /**
   * Name of the sensitive variable holding a bearer token when `clientId` is not given.
   * @default thingpark_bearer_token
   */
  readonly bearerTokenVariable?: string;
  /**
   * Name of the sensitive variable holding the project's webhook signing key, set as `TF_VAR_<name>` to
   * deploy (a destroy sends no signing key and runs without it).
   * @default qubitro_webhook_signing_key
   */
  readonly signingKeyVariable?: string;
  /**
   * Retries of rate-limited or unavailable calls (see `IotFlowApiProps.maxRetries`).
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * How long one HTTP call may take, in seconds (see `IotFlowApiProps.timeoutSeconds`).
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * How long an apply waits for changed connections to settle before reporting them (see
   * `IotFlowApiProps.settleTimeoutSeconds`).
   * @default 60
   */
  readonly settleTimeoutSeconds?: number;
  /**
   * Encrypt this stack's state and saved plans with OpenTofu's state encryption (PBKDF2 key from a passphrase,
   * AES-GCM), the passphrase (16 characters or more) from the sensitive, ephemeral variable of this name, set
   * as `TF_VAR_<name>`. An unencrypted state is read once and written back encrypted. OpenTofu only.
   * @default - state and plans are not encrypted by the engine (protect them with the backend)
   */
  readonly encryptionPassphraseVariable?: string;
  /**
   * Where the state is kept: exactly one of `local`, `s3`, `remote` or `pg`, as in the environments YAML,
   * each defaulting to a state of this stack's own (`pg: {}` is the schema named after the stack, `-` as
   * `_`). Strings may use `{stack}`. Credentials never go here: pg reads `PG_CONN_STR`, S3 the AWS
   * environment, remote `tofu login`.
   * @default - cdktf's default, a local state file terraform.<stack>.tfstate
   */
  readonly backend?: BackendConfig;
}

/**
 * A stack for one Qubitro project: the sensitive variables for its secrets, the ThingPark endpoint, its
 * connections, and one output mapping each connection's construct id to its IoT Flow id.
 */
export class QubitroProjectStack extends TerraformStack {
  public readonly api: IotFlowApi;
  public readonly connections: QubitroConnection[];

  constructor(scope: Construct, id: string, props: QubitroProjectStackProps) {
    super(scope, id);
    validateProps(this.node.path, projectStackSchema, props, { inlineSecretFix: inlineSecretFix(props) });
    if (props.backend) addBackend(this, resolveStackBackend(props.backend, { stack: id }));
    const secret = (name: string, description: string) =>
      sensitiveVariable(this, name, description).stringValue;

    this.api = new IotFlowApi(this, 'Api', {
      baseUrl: props.baseUrl,
      tokenUrl: props.tokenUrl,
      maxRetries: props.maxRetries,
      timeoutSeconds: props.timeoutSeconds,
      settleTimeoutSeconds: props.settleTimeoutSeconds,
      ...(props.clientId !== undefined
        ? {
            clientId: props.clientId,
            clientSecret: secret(
              props.clientSecretVariable ?? DEFAULT_CLIENT_SECRET_VARIABLE,
              'ThingPark client secret.',
            ),
          }
        : {
            bearerToken: secret(
              props.bearerTokenVariable ?? DEFAULT_BEARER_TOKEN_VARIABLE,
              'ThingPark bearer token.',
            ),
          }),
    });
    if (props.encryptionPassphraseVariable !== undefined) {
      encryptStateAndPlans(
        this,
        secret(props.encryptionPassphraseVariable, 'State and plan encryption passphrase.'),
      );
    }
    // Only creates and updates send the signing key (write-only): a destroy runs without it.
    const signingKeyName = props.signingKeyVariable ?? DEFAULT_SIGNING_KEY_VARIABLE;
    const signingKey = sensitiveVariable(this, signingKeyName, 'Qubitro webhook signing key.', {
      notForDestroy: true,
    });

    this.connections = props.connections.map(({ id: connectionId, projectId, ...connection }) => {
      const c = new QubitroConnection(this, connectionId, {
        ...connection,
        api: this.api,
        projectId: projectId ?? props.projectId,
        webhookSigningKey: signingKey.stringValue,
      });
      c._addPrecondition(
        `\${${signingKey.fqn} != null}`,
        `${c.node.path}: no webhook signing key: TF_VAR_${signingKeyName} is not set. Fix: set TF_VAR_${signingKeyName} ` +
          '(Qubitro portal → project → new source → Actility); only a destroy runs without it.',
      );
      return c;
    });
    // One map, not outputs per connection: an update plan then shows only new ids as unknown (an id stays
    // known once created), and a big stack plans faster. States are reported by the read-back's warning.
    new TerraformOutput(this, 'ConnectionIds', {
      value: Object.fromEntries(this.connections.map((c) => [c.node.id, c.connectionId])),
      description: 'The IoT Flow id of each connection, by construct id (never a secret).',
    });
  }
}

/**
 * The fix for a secret written on the props (`clientSecret: '…'`): the stack reads each secret from a
 * variable, so the fix names the one it reads, as the environments YAML's check does.
 */
function inlineSecretFix(props: QubitroProjectStackProps): (prop: string) => string | undefined {
  const readFrom = (what: string, nameProp: keyof QubitroProjectStackProps, name: string) =>
    `remove it: the stack reads ${what} from TF_VAR_${String(props[nameProp] ?? name)}; set that variable ` +
    `where \`cdktf deploy\` runs (${nameProp} names another variable)`;
  return (prop) => {
    if (/client_?secret/i.test(prop)) {
      return readFrom('the client secret', 'clientSecretVariable', DEFAULT_CLIENT_SECRET_VARIABLE);
    }
    if (/bearer|token/i.test(prop)) {
      return readFrom('the bearer token', 'bearerTokenVariable', DEFAULT_BEARER_TOKEN_VARIABLE);
    }
    if (/sign|webhook/i.test(prop)) {
      return readFrom('the webhook signing key', 'signingKeyVariable', DEFAULT_SIGNING_KEY_VARIABLE);
    }
    if (/passphrase/i.test(prop)) {
      return 'remove it: name a variable with encryptionPassphraseVariable and set TF_VAR_<that name>';
    }
    if (/secret|passw|key/i.test(prop)) {
      return 'remove it: the stack takes no secret as a prop; secrets come from TF_VAR_ variables';
    }
    return undefined;
  };
}
