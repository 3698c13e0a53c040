import { Construct } from 'constructs';
import { Fn, IResolvable, Token, Tokenization } from './framework';
import { ambiguousAdoption, plaintextSecret } from './errors';
import { IotFlowApi } from './iot-flow-api';
import { addImportBlock, addMovedBlock } from './stack-blocks';
import { IotFlowConnectionResource } from './providers/iotflow';
import { Alarm, connectionSchema } from './schema/connection';
import { isSecretReference } from './secrets';
import { validateProps } from './validate';
import { valueAtPath } from './json-path';

export type { Alarm } from './schema/connection';

/** The state of an active connection that delivers traffic. */
export const HEALTHY_STATE = 'OPENED';
/** The state of a connection declared with `active: false`. */
export const INACTIVE_STATE = 'DEACTIVATED';

/** What every connection takes, whatever its connector: the endpoint, the name, its state, alarms and adoption. */
export interface ConnectionOptions {
  /** The ThingPark endpoint that holds the connection. */
  readonly api: IotFlowApi;
  /** Display name in ThingPark; informational there, but unique per `api` in this library (adoption is by name). */
  readonly name: string;
  /**
   * Whether the connection forwards traffic.
   * @default - not sent: the API treats the connection as active
   */
  readonly active?: boolean | IResolvable;
  /**
   * Alarms on the connection, in the documented form.
   * @default - no alarms
   */
  readonly alarms?: Alarm[];
  /**
   * Adopt an existing connection with this id instead of creating one: the deploy imports it and then
   * replaces its configuration with this declaration. Remove it after the first deploy, or keep it: an
   * import of something already in state is a no-op.
   * @default - a new connection is created
   */
  readonly importFrom?: string;
  /**
   * When the state has no record of this connection and the endpoint has exactly one connection with the
   * same name, connector and brand, adopt it with an import (the plan shows every field the apply changes
   * or drops) instead of failing. Several such connections fail the plan with their ids. Costs one listing
   * of `GET /connections` (every page) per plan and endpoint.
   * @default false - a connection of that name that this state does not manage fails the plan, naming its
   * id and the fixes (`importFrom`, `adoptExisting`, or a rename): nothing is ever taken over silently
   */
  readonly adoptExisting?: boolean;
}

export interface IotFlowConnectionProps extends ConnectionOptions {
  /** The connector type, e.g. `actility-http-iot`. */
  readonly connectorId: string;
  /**
   * The brand of a branded connector, e.g. `QUBITRO`.
   * @default - no brand is sent
   */
  readonly brand?: string;
  /** The connector configuration, sent as `configuration`, common parameters included; undefined keys are left out. */
  readonly configuration: Record<string, unknown>;
  /**
   * Dotted paths inside `configuration` that hold secrets, e.g. `headers.webhookSigningKey`, or a query
   * parameter of a URL field, e.g. `destinationURL?authorization` (its value sits at that key of
   * `configuration`; the provider writes it into the URL). Their values must be tokens of sensitive
   * variables; they travel write-only, and the API reads them back as `"*****"`.
   * @default - the configuration holds no secret
   */
  readonly secretFields?: string[];
}

/**
 * One connection of ThingPark X IoT Flow, managed by the `iotflow` provider: POST /connections creates it,
 * PUT /connections/{id} replaces it with the whole configuration, DELETE removes it (a 404 is success).
 * Secrets are write-only: sent on every write, never stored in state or plan. After each apply the
 * endpoint's connections are read back once, and unhealthy ones are reported by name.
 */
export class IotFlowConnection extends Construct {
  /** The server-assigned connection id, e.g. `"1114"` (known after the first apply). */
  public readonly connectionId: string;
  private readonly api: IotFlowApi;
  /** The underlying `iotflow_connection` resource. */
  public readonly resource: IotFlowConnectionResource;

  constructor(scope: Construct, id: string, props: IotFlowConnectionProps) {
    super(scope, id);
    validateProps(this.node.path, connectionSchema, props, { otherProps: ['api', 'adoptExisting'] });
    const secretFields = (props.secretFields ?? []).filter(
      (f) => valueAtPath(props.configuration, f) !== undefined,
    );
    for (const field of secretFields) {
      if (!isSecretReference(valueAtPath(props.configuration, field))) {
        throw plaintextSecret(this.node.path, `configuration.${field}`, field.split('.').pop()!);
      }
    }
    props.api._claimConnectionName(props.name, this.node.path);

    const declared = withoutPaths(withoutUndefined(props.configuration), secretFields);
    this.resource = new IotFlowConnectionResource(this, 'Resource', {
      provider: props.api.provider,
      name: props.name,
      connectorId: props.connectorId,
      brand: props.brand,
      active: props.active,
      configuration: jsonText(declared),
      alarms: props.alarms && jsonText(props.alarms),
      secretsWo: secretFields.length
        ? Object.fromEntries(secretFields.map((f) => [f, valueAtPath(props.configuration, f) as string]))
        : undefined,
    });
    // Release 0.1 managed this connection as restful_resource.<same logical id>: a moved block turns that
    // state into this resource (no POST, no DELETE). A no-op where the state has no such resource.
    addMovedBlock(this, {
      from: `restful_resource.${this.resource.friendlyUniqueId}`,
      to: this.resource.address,
    });
    this.adopt(props);
    this.connectionId = this.resource.id;
    this.api = props.api;
    props.api._readBackAfterApply(this.resource);
  }

  /** The connection state read back after apply, e.g. `OPENED` or `UNREACHABLE`. */
  public get state(): string {
    return `\${${this.api._stateAfterApply(this.resource)}}`;
  }

  /** Import blocks: `importFrom`, or adoption by name when the state has no record of this connection. */
  private adopt(props: IotFlowConnectionProps): void {
    const address = this.resource.address;
    if (props.importFrom !== undefined) {
      addImportBlock(this, { to: address, provider: props.api.provider.fqn, id: props.importFrom });
    } else if (
      props.adoptExisting === true &&
      ![props.name, props.connectorId, props.brand].some(Token.isUnresolved)
    ) {
      const matches = props.api._existingConnectionIds(props.connectorId, props.brand ?? '', props.name);
      // An import of an address already in state is a no-op, so this only acts when the state has no record.
      addImportBlock(this, {
        to: address,
        provider: props.api.provider.fqn,
        for_each: `\${toset(length(${matches}) == 1 ? ${matches} : [])}`,
        id: '${each.value}',
      });
      // Checked when the engine plans a create or an update of this connection (not a destroy).
      this.resource.addOverride('lifecycle.precondition', [
        {
          condition: `\${length(${matches}) <= 1}`,
          error_message: ambiguousAdoption(this.node.path, props.name, `\${join(", ", ${matches})}`),
        },
      ]);
    }
  }
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Tokenization.isResolvable(v);
}

/** A copy of `o` without the values at these dotted paths (the secrets, which travel write-only). */
function withoutPaths(o: Record<string, unknown>, paths: string[], prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([k]) => !paths.includes(prefix + k))
      .map(([k, v]) => [k, isPlainObject(v) ? withoutPaths(v, paths, `${prefix}${k}.`) : v]),
  );
}

/**
 * JSON text for the provider: a plain string when every value is known at synth (readable in cdk.tf.json
 * and the review), else `jsonencode(...)` so deploy-time values are encoded by the engine. User text is data:
 * a literal `${` or `%{` is written as Terraform's escape (`$${`, `%%{`), never evaluated.
 */
function jsonText(value: unknown): string {
  return containsToken(value)
    ? Fn.jsonencode(value)
    : JSON.stringify(value)
        .replace(/\$\{/g, () => '$${')
        .replace(/%\{/g, '%%{');
}

function containsToken(v: unknown): boolean {
  if (Token.isUnresolved(v)) return true;
  if (Array.isArray(v)) return v.some(containsToken);
  return isPlainObject(v) && Object.values(v).some(containsToken);
}
