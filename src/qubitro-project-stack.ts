import { Construct } from 'constructs';
import { TerraformStack } from './framework';
import { IotFlowApi } from './iot-flow-api';
import { QubitroConnection, QubitroConnectionProps } from './qubitro-connection';
import {
  addConnectionIdsOutput,
  addProjectConnections,
  addProjectEndpoint,
  inlineSecretFix,
} from './preset-project-stack';
import { QUBITRO } from './presets/qubitro';
import { projectStackSchema } from './schema/stack';
import type { BackendConfig } from './schema/backend';
import { validateProps } from './validate';

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
    const signingKeyName = props.signingKeyVariable ?? DEFAULT_SIGNING_KEY_VARIABLE;
    validateProps(this.node.path, projectStackSchema, props, {
      inlineSecretFix: inlineSecretFix(props, (prop) =>
        /sign|webhook/i.test(prop)
          ? `remove it: the stack reads the webhook signing key from TF_VAR_${signingKeyName}; set that variable ` +
            'where `cdktf deploy` runs (signingKeyVariable names another variable)'
          : undefined,
      ),
    });
    this.api = addProjectEndpoint(this, props);
    const made = addProjectConnections(
      this,
      this.api,
      QUBITRO,
      {
        fields: { projectId: props.projectId },
        secretVariables: { webhookSigningKey: signingKeyName },
        connections: props.connections,
      },
      (scope, cid, p) => new QubitroConnection(scope, cid, p as unknown as QubitroConnectionProps),
    );
    this.connections = made.connections;
    addConnectionIdsOutput(this, made);
  }
}
