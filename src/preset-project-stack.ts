import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from './framework';
import { IotFlowApi } from './iot-flow-api';
import type { IotFlowConnection } from './iot-flow-connection';
import type { QubitroProjectStackProps } from './qubitro-project-stack';
import type { PresetDefinition } from './presets/definition';
import { PresetConnection } from './presets/preset-connection';
import { PRESETS, presetOfKind } from './presets/registry';
import { presetProjectStackSchema } from './schema/stack';
import { encryptStateAndPlans } from './encryption';
import { addBackend, resolveStackBackend } from './backend';
import { sensitiveVariable } from './secrets';
import { validateProps } from './validate';

const DEFAULT_CLIENT_SECRET_VARIABLE = 'thingpark_client_secret';
const DEFAULT_BEARER_TOKEN_VARIABLE = 'thingpark_bearer_token';

/** What every project stack takes besides its project: the ThingPark endpoint, the backend, the encryption. */
export type ProjectEndpointProps = Omit<
  QubitroProjectStackProps,
  'projectId' | 'connections' | 'signingKeyVariable'
>;

/** One connection of a preset project stack: its construct id and the preset's props but the secrets. */
export interface PresetProjectConnection {
  /** The construct id, PascalCase, e.g. `Uplinks` (see `QubitroProjectConnection.id`). */
  readonly id: string;
  readonly name: string;
  /** The preset's other props, e.g. `destinationUrl`; a field given here overrides the stack's `fields`. */
  readonly [prop: string]: unknown;
}

export interface PresetProjectStackProps extends ProjectEndpointProps {
  /** The preset of every connection, e.g. `tago`: a `kind` of the environments YAML. */
  readonly kind: string;
  /**
   * The preset's plain fields every connection sends, e.g. `{ projectId: … }` for `qubitro`.
   * @default - none: each connection sets them
   */
  readonly fields?: Readonly<Record<string, string>>;
  /**
   * The variable of each secret prop, e.g. `{ authorization: 'prod_farm_tago_authorization' }`, set as
   * `TF_VAR_<name>` to deploy (a destroy runs without it).
   * @default - the secret's variable suffix, e.g. `tago_authorization`
   */
  readonly secretVariables?: Readonly<Record<string, string>>;
  /** The connections of this project. */
  readonly connections: PresetProjectConnection[];
}

/** The backend, the IoT Flow API and the state encryption of a project stack, in that order. */
export function addProjectEndpoint(stack: TerraformStack, props: ProjectEndpointProps): IotFlowApi {
  if (props.backend) addBackend(stack, resolveStackBackend(props.backend, { stack: stack.node.id }));
  const secret = (name: string, description: string) =>
    sensitiveVariable(stack, name, description).stringValue;
  const api = new IotFlowApi(stack, 'Api', {
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
      stack,
      secret(props.encryptionPassphraseVariable, 'State and plan encryption passphrase.'),
    );
  }
  return api;
}

/** Builds one connection of `definition`'s construct from its props (secrets as variable tokens). */
export type PresetConnectionFactory<C extends IotFlowConnection> = (
  scope: Construct,
  id: string,
  props: Record<string, unknown>,
) => C;

/** A plan-time check of a project stack, written as a precondition of its `ConnectionIds` output. */
export interface StackCheck {
  readonly condition: string;
  readonly error_message: string;
}

/**
 * The connections of a project stack: one sensitive variable per secret of the preset, each connection with
 * the stack's fields (unless it sets its own), and per variable a check naming it when it is not set.
 */
export function addProjectConnections<C extends IotFlowConnection>(
  stack: TerraformStack,
  api: IotFlowApi,
  definition: PresetDefinition,
  project: Pick<PresetProjectStackProps, 'fields' | 'secretVariables'> & {
    readonly connections: readonly { readonly id: string }[];
  },
  build: PresetConnectionFactory<C>,
): { connections: C[]; checks: StackCheck[] } {
  // Only creates and updates send a secret (write-only): a destroy runs without it.
  const secrets = definition.secrets.map((s) => {
    const name = project.secretVariables?.[s.prop] ?? s.variableSuffix;
    const what = s.about ?? s.label;
    const variable = sensitiveVariable(stack, name, `${definition.title} ${what}.`, { notForDestroy: true });
    const fix = `set TF_VAR_${name}${s.obtain ? ` (${s.obtain})` : ''}; only a destroy runs without it.`;
    return { s, variable, missing: `no ${what}: TF_VAR_${name} is not set. Fix: ${fix}` };
  });
  const fieldsOf = (connection: Record<string, unknown>) =>
    Object.fromEntries(
      definition.fields.map((f) => [f.prop, connection[f.prop] ?? project.fields?.[f.prop]]),
    );
  const connections = project.connections.map(({ id, ...rest }) => {
    const connection: Record<string, unknown> = rest;
    return build(stack, id, {
      ...connection,
      api,
      ...fieldsOf(connection),
      ...Object.fromEntries(secrets.map(({ s, variable }) => [s.prop, variable.stringValue])),
    });
  });
  // One check per variable for the whole stack, not one per connection: a failed condition anywhere fails
  // the plan before any write, and a destroy evaluates none. A precondition per connection cost the engine
  // ~15 % of an apply's CPU at 1000 connections (bench/README.md).
  const checks = connections.length
    ? secrets.map(({ variable, missing }) => ({
        condition: `\${${variable.fqn} != null}`,
        error_message: `${stack.node.path}: ${missing}`,
      }))
    : [];
  return { connections, checks };
}

/**
 * One map, not outputs per connection: an update plan then shows only new ids as unknown (an id stays known
 * once created), and a big stack plans faster. States are reported by the read-back's warning.
 */
export function addConnectionIdsOutput(
  stack: TerraformStack,
  { connections, checks }: { connections: IotFlowConnection[]; checks: StackCheck[] },
): void {
  const output = new TerraformOutput(stack, 'ConnectionIds', {
    value: Object.fromEntries(connections.map((c) => [c.node.id, c.connectionId])),
    description: 'The IoT Flow id of each connection, by construct id (never a secret).',
  });
  if (checks.length) output.addOverride('precondition', checks);
}

/**
 * The fix for a secret written on a project stack's props (`clientSecret: '…'`): the stack reads each secret
 * from a variable, so the fix names the one it reads, as the environments YAML's check does. `presetSecret`
 * answers for the preset's own secrets.
 */
export function inlineSecretFix(
  props: ProjectEndpointProps,
  presetSecret: (prop: string) => string | undefined,
): (prop: string) => string | undefined {
  const readFrom = (what: string, nameProp: keyof ProjectEndpointProps, name: string) =>
    `remove it: the stack reads ${what} from TF_VAR_${String(props[nameProp] ?? name)}; set that variable ` +
    `where \`cdktf deploy\` runs (${nameProp} names another variable)`;
  return (prop) => {
    if (/client_?secret/i.test(prop)) {
      return readFrom('the client secret', 'clientSecretVariable', DEFAULT_CLIENT_SECRET_VARIABLE);
    }
    if (/bearer|token/i.test(prop)) {
      return readFrom('the bearer token', 'bearerTokenVariable', DEFAULT_BEARER_TOKEN_VARIABLE);
    }
    const preset = presetSecret(prop);
    if (preset !== undefined) return preset;
    if (/passphrase/i.test(prop)) {
      return 'remove it: name a variable with encryptionPassphraseVariable and set TF_VAR_<that name>';
    }
    if (/secret|passw|key/i.test(prop)) {
      return 'remove it: the stack takes no secret as a prop; secrets come from TF_VAR_ variables';
    }
    return undefined;
  };
}

/** A connection of any preset, as a project stack builds it. */
class ProjectConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: Record<string, unknown>, definition: PresetDefinition) {
    super(scope, id, props as never, definition);
  }
}

/**
 * A stack for one project of any preset (the environments YAML makes one per environment and project): the
 * sensitive variables for its secrets, the ThingPark endpoint, its connections, and one output mapping each
 * connection's construct id to its IoT Flow id. For `qubitro` it synthesizes what QubitroProjectStack does.
 */
export class PresetProjectStack extends TerraformStack {
  public readonly api: IotFlowApi;
  public readonly connections: IotFlowConnection[];

  constructor(scope: Construct, id: string, props: PresetProjectStackProps) {
    super(scope, id);
    const definition = presetOfKind(props.kind);
    const variables = props.secretVariables ?? {};
    validateProps(this.node.path, presetProjectStackSchema(PRESETS.map((p) => p.kind)), props, {
      inlineSecretFix: inlineSecretFix(props, (prop) => {
        const s = definition?.secrets.find((x) => x.prop === prop);
        return s
          ? `remove it: the stack reads it from TF_VAR_${variables[prop] ?? s.variableSuffix}; set that variable where \`cdktf deploy\` runs (secretVariables names another variable)`
          : undefined;
      }),
    });
    this.api = addProjectEndpoint(this, props);
    const made = addProjectConnections(
      this,
      this.api,
      definition!,
      props,
      (scope, cid, p) => new ProjectConnection(scope, cid, p, definition!),
    );
    this.connections = made.connections;
    addConnectionIdsOutput(this, made);
  }
}
