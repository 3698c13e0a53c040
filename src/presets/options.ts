/** The props every HTTP-brand preset takes besides its own: the connection's and the common parameters. */
import type { IResolvable } from '../framework';
import type { ConnectionOptions } from '../iot-flow-connection';
import type { RECONNECT_STRATEGIES } from '../wire-format';

export interface PresetConnectionOptions extends ConnectionOptions {
  /**
   * Free text shown in ThingPark.
   * @default - none
   */
  readonly description?: string;
  /**
   * Whether devices are created on the platform when they first send.
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
   * Whether downlinks from the platform are accepted.
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
  readonly reconnectStrategy?: (typeof RECONNECT_STRATEGIES)[number];
}
