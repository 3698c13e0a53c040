import { Construct } from 'constructs';
import { IResolvable } from './framework';
import { ConnectionOptions, IotFlowConnection } from './iot-flow-connection';
import { qubitroConnectionSchema } from './schema/qubitro';
import { validateProps } from './validate';
import {
  QUBITRO_BRAND,
  QUBITRO_CONNECTOR_ID,
  QUBITRO_DEFAULT_DESTINATION,
  QUBITRO_SECRET_LABELS,
} from './wire-format';

export interface QubitroConnectionProps extends ConnectionOptions {
  /** The Qubitro project id (a UUID): Qubitro portal → project → new source → Actility. */
  readonly projectId: string;
  /** The project's webhook signing key, as a token of a sensitive `TerraformVariable`. */
  readonly webhookSigningKey: string;
  /**
   * Where IoT Flow posts uplinks.
   * @default https://webhook.qubitro.com/integrations/actility
   */
  readonly destinationUrl?: string;
  /**
   * Free text shown in ThingPark.
   * @default - none
   */
  readonly description?: string;
  /**
   * Whether devices are created on Qubitro when they first send.
   * @default - not sent: the API default (true) applies
   */
  readonly createDevices?: boolean | IResolvable;
  /**
   * Whether network metadata is sent with each uplink.
   * @default - not sent: the API default (false) applies
   */
  readonly sendMetadata?: boolean | IResolvable;
  /**
   * Whether the raw decoded format is sent.
   * @default - not sent: the API default (false) applies
   */
  readonly sendRawDecodedFormat?: boolean | IResolvable;
  /**
   * How long an uplink stays worth delivering, e.g. `30s`, `5m`, `1h`.
   * @default - not sent: the API default applies
   */
  readonly uplinkTimeValidity?: string;
  /**
   * Whether downlinks from Qubitro are accepted.
   * @default - not sent: the API default (true) applies
   */
  readonly downlinkEnabled?: boolean | IResolvable;
  /**
   * Application server id for downlinks.
   * @default - none
   */
  readonly downlinkAsId?: string;
  /**
   * Application server key for downlinks, as a token of a sensitive `TerraformVariable`.
   * @default - none
   */
  readonly downlinkAsKey?: string;
  /**
   * LoRaWAN FPort for downlinks, 1 to 223.
   * @default - not sent: the API default applies
   */
  readonly downlinkPort?: number;
  /**
   * How eagerly IoT Flow reconnects: `CALM`, `NORMAL` or `AGGRESSIVE`.
   * @default - not sent: the API default (NORMAL) applies
   */
  readonly reconnectStrategy?: 'CALM' | 'NORMAL' | 'AGGRESSIVE';
}

/**
 * An IoT Flow connection that forwards LoRaWAN traffic to a Qubitro project: the `actility-http-iot`
 * connector with brand `QUBITRO`, the project id and webhook signing key as headers.
 */
export class QubitroConnection extends IotFlowConnection {
  constructor(scope: Construct, id: string, props: QubitroConnectionProps) {
    validateProps(`${scope.node.path}/${id}`, qubitroConnectionSchema, props, {
      secrets: { webhookSigningKey: 'qubitro_webhook_signing_key', downlinkAsKey: 'downlink_as_key' },
      // Checked by IotFlowConnection, which this construct is.
      otherProps: ['api', 'alarms', 'importFrom', 'adoptExisting'],
    });
    super(scope, id, {
      api: props.api,
      name: props.name,
      connectorId: QUBITRO_CONNECTOR_ID,
      brand: QUBITRO_BRAND,
      active: props.active,
      alarms: props.alarms,
      importFrom: props.importFrom,
      adoptExisting: props.adoptExisting,
      configuration: qubitroConfiguration(props),
      secretFields: Object.keys(QUBITRO_SECRET_LABELS),
    });
  }
}

/**
 * The `configuration` a Qubitro connection sends: the destination, the project id and signing key as
 * headers, and the common parameters (undefined ones are left out when sent). Also builds the bench's raw
 * baselines, which must send the same body (their key travels write-only, so they pass none).
 */
export function qubitroConfiguration(
  props: Omit<QubitroConnectionProps, keyof ConnectionOptions | 'webhookSigningKey'> & {
    readonly webhookSigningKey?: string;
  },
): Record<string, unknown> {
  return {
    destinationURL: props.destinationUrl ?? QUBITRO_DEFAULT_DESTINATION,
    headers: { projectId: props.projectId, webhookSigningKey: props.webhookSigningKey },
    description: props.description,
    createDevices: props.createDevices,
    sendMetadata: props.sendMetadata,
    sendRawDecodedFormat: props.sendRawDecodedFormat,
    uplinkTimeValidity: props.uplinkTimeValidity,
    downlinkEnabled: props.downlinkEnabled,
    downlinkAsId: props.downlinkAsId,
    downlinkAsKey: props.downlinkAsKey,
    downlinkPort: props.downlinkPort,
    reconnectStrategy: props.reconnectStrategy,
  };
}
