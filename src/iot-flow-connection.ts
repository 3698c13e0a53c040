import { Construct } from 'constructs';
import { Fn, IResolvable, TerraformStack, Token, Tokenization } from 'cdktf';
import { ambiguousAdoption, invalidProps, plaintextSecret, unhealthyConnection } from './errors';
import { uniqueName } from './names';
import { CONNECTIONS_PATH, IotFlowApi } from './iot-flow-api';
import { addImportBlock } from './imports';
import { RestfulResource } from './providers/restful';
import { Alarm, connectionSchema } from './schema/connection';
import { PLAIN_TEXT } from './schema/rules';
import { isSecretReference } from './secrets';
import { validateProps, valueAt } from './validate';

export type { Alarm } from './schema/connection';

/** Server-assigned fields kept in the resource's `output`. */
const OUTPUT_ATTRS = ['id', 'state'];

/** The state of an active connection that delivers traffic. */
export const HEALTHY_STATE = 'OPENED';
/** The state of a connection declared with `active: false`. */
export const INACTIVE_STATE = 'DEACTIVATED';

export interface IotFlowConnectionProps {
  /** The ThingPark endpoint that holds the connection. */
  readonly api: IotFlowApi;
  /** Display name; informational for ThingPark, but unique per `api` in this library. */
  readonly name: string;
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
   * Dotted paths inside `configuration` that hold secrets, e.g. `headers.webhookSigningKey`. Their values
   * must be tokens of sensitive variables; the API reads them back masked as `"*****"`.
   * @default - the configuration holds no secret
   */
  readonly secretFields?: string[];
  /**
   * Whether the connection forwards traffic.
   * @default - not sent: the API treats the connection as active
   */
  readonly active?: boolean | IResolvable;
  /**
   * Alarms on the connection.
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
   * When the state has no record of this connection (a first deploy, a lost POST answer, a lost state)
   * and the endpoint has exactly one connection with the same name, connector and brand, adopt it with
   * an import instead of POSTing a second one. Several such connections fail the plan with their ids.
   * Costs one `GET /connections` per plan and endpoint.
   * @default true
   */
  readonly adoptExisting?: boolean;
}

/**
 * One connection of ThingPark X IoT Flow, managed as one REST resource: POST /connections creates it,
 * PUT /connections/{id} replaces it with the whole body, DELETE /connections/{id} removes it (a 404 is
 * success). After each apply a read-back reports its `state`, and a check warns when it is not OPENED.
 */
export class IotFlowConnection extends Construct {
  /** The server-assigned connection id, e.g. `"1114"` (known after apply). */
  public readonly connectionId: string;
  /** The connection state read back after apply, e.g. `OPENED` or `UNREACHABLE`. */
  public readonly state: string;
  /** The request body this connection sends on create and on every update. */
  public readonly body: Record<string, unknown>;
  /** The underlying REST resource. */
  public readonly resource: RestfulResource;

  constructor(scope: Construct, id: string, props: IotFlowConnectionProps) {
    super(scope, id);
    validateProps(this.node.path, connectionSchema, props);
    const secretFields = props.secretFields ?? [];
    for (const field of secretFields) {
      const value = valueAtPath(props.configuration, field);
      if (value !== undefined && !isSecretReference(value)) {
        throw plaintextSecret(this.node.path, `configuration.${field}`, field.split('.').pop()!);
      }
    }
    props.api._claimConnectionName(props.name, this.node.path);

    this.body = withoutUndefined({
      name: props.name,
      connectorId: props.connectorId,
      configuration: withoutUndefined(props.configuration),
      brand: props.brand,
      active: props.active,
      alarms: props.alarms,
    });
    const writeOnly = secretFields
      .filter((f) => valueAtPath(props.configuration, f) !== undefined)
      .map((f) => `configuration.${f}`);

    this.resource = new RestfulResource(this, 'Resource', {
      provider: props.api.provider,
      path: CONNECTIONS_PATH,
      body: this.body,
      readPath: `$(path)/$(body.id)`,
      // The API masks secrets as "*****" on read. The template rebuilds the read body without them, and
      // write_only_attrs fills them back from state, so masking is never drift while a changed key still
      // changes `body` and so triggers a PUT of the whole connection.
      readResponseTemplate: readTemplate(this.body, new Set(writeOnly), this.node.path),
      writeOnlyAttrs: writeOnly.length ? writeOnly : undefined,
      outputAttrs: OUTPUT_ATTRS,
      createMethod: 'POST',
      updateMethod: 'PUT',
      deleteMethod: 'DELETE',
    });
    this.adopt(props, writeOnly);
    this.connectionId = this.resource.outputAttribute('id');

    this.state = this.checkState(props);
  }

  /** Import blocks: `importFrom`, or adoption by name when the state has no record of this connection. */
  private adopt(props: IotFlowConnectionProps, writeOnly: string[]): void {
    const address = `${RestfulResource.tfResourceType}.${this.resource.friendlyUniqueId}`;
    if (props.importFrom !== undefined) {
      addImportBlock(this, {
        to: address,
        provider: props.api.provider.fqn,
        id: importId(props.importFrom, this.body, writeOnly, this.node.path),
      });
    } else if (
      props.adoptExisting !== false &&
      ![props.name, props.connectorId, props.brand].some(Token.isUnresolved)
    ) {
      const matches = props.api._existingConnectionIds(props.connectorId, props.brand ?? '', props.name);
      // An import of an address already in state is a no-op, so this only acts when the state has no record.
      addImportBlock(this, {
        to: address,
        provider: props.api.provider.fqn,
        for_each: `\${toset(length(${matches}) == 1 ? ${matches} : [])}`,
        id: importId('${each.value}', this.body, writeOnly, this.node.path),
      });
      this.resource.addOverride('lifecycle.precondition', [
        {
          condition: `\${length(${matches}) <= 1}`,
          error_message: ambiguousAdoption(this.node.path, props.name, `\${join(", ", ${matches})}`),
        },
      ]);
    }
  }

  /** Reads the connection back after apply and warns when its state is not the expected one. */
  private checkState(props: IotFlowConnectionProps): string {
    const stateExpression = props.api._stateAfterApply(this.resource);
    const state = `\${${stateExpression}}`;
    const expected =
      props.active === undefined || props.active === true
        ? HEALTHY_STATE
        : props.active === false
          ? INACTIVE_STATE
          : Token.asString(Fn.conditional(props.active, HEALTHY_STATE, INACTIVE_STATE));
    // A check block warns without failing the apply: the connection exists, but is not delivering.
    TerraformStack.of(this).addOverride(`check.${uniqueName(this)}`, {
      assert: [
        {
          // A deploy-time flag's conditional is parenthesised: HCL's `?:` binds looser than `==`.
          condition: `\${${stateExpression} == ${Token.isUnresolved(expected) ? `(${expected})` : JSON.stringify(expected)}}`,
          error_message: unhealthyConnection(this.node.path, props.name, state, expected),
        },
      ],
    });
    return state;
  }
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function valueAtPath(o: Record<string, unknown>, dotted: string): unknown {
  return valueAt(o, dotted.split('.'));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Tokenization.isResolvable(v);
}

/**
 * restful's `read_response_template` for `body`: subtrees without secrets are copied raw; inside the
 * subtrees that hold secrets, the secrets are left out and each other value is copied on its own. The
 * provider inserts strings unquoted and unescaped, so those strings are quoted here and may not contain
 * `"` or `\`.
 */
export function readTemplate(
  body: Record<string, unknown>,
  secrets: Set<string>,
  constructPath: string,
): string {
  // The provider fills `output` from the templated read, so the server's id and state are carried too;
  // `body` keeps only the keys it declares, so they never show as drift.
  const serverFields = OUTPUT_ATTRS.map((k) => `"${k}":"$(body.${k})"`);
  const hasSecretUnder = (prefix: string) => [...secrets].some((s) => s.startsWith(`${prefix}.`));
  const render = (obj: Record<string, unknown>, prefix: string): string[] => {
    const parts = Object.entries(obj).flatMap(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      if (secrets.has(path)) return [];
      if (isPlainObject(value) && hasSecretUnder(path))
        return [`"${key}":{${render(value, path).join(',')}}`];
      if (typeof value === 'string') {
        if (!Token.isUnresolved(value) && !PLAIN_TEXT.test(value)) {
          throw invalidProps(constructPath, [
            {
              field: path,
              value,
              allowed: 'text without control characters, double quotes or backslashes',
              fix: `remove those characters from ${path}: the REST provider cannot read them back`,
            },
          ]);
        }
        return [`"${key}":"$(body.${path})"`];
      }
      return [`"${key}":$(body.${path})`];
    });
    return parts;
  };
  return `{${[...render(body, ''), ...serverFields].join(',')}}`;
}

/**
 * restful's import id: the object path plus the body's shape with null leaves, so the imported state tracks
 * the same fields as a created one. Secrets stay out: they cannot be read back, so the first apply after
 * the import PUTs the whole declared connection, key included.
 */
function importId(
  connectionId: string,
  body: Record<string, unknown>,
  writeOnly: string[],
  constructPath: string,
): string {
  const shape = (obj: Record<string, unknown>, prefix: string): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(obj)
        .filter(([k]) => !writeOnly.includes(prefix ? `${prefix}.${k}` : k))
        .map(([k, v]) => [k, isPlainObject(v) ? shape(v, prefix ? `${prefix}.${k}` : k) : null]),
    );
  return JSON.stringify({
    id: `${CONNECTIONS_PATH}/${connectionId}`,
    path: CONNECTIONS_PATH,
    body: shape(body, ''),
    read_response_template: readTemplate(body, new Set(writeOnly), constructPath),
  });
}
