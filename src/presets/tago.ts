import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** TagoIO: the device authorization travels in the destination URL's query (`?authorization=`). */
export const TAGO: PresetDefinition = {
  kind: 'tago',
  brand: 'TAGO',
  title: 'TagoIO',
  connectorId: HTTP_CONNECTOR_ID,
  destination: {
    default: 'https://actility.middleware.tago.io/uplink',
    hosts: ['actility.middleware.tago.io'],
  },
  fields: [],
  secrets: [
    {
      prop: 'authorization',
      label: 'authorization',
      variableSuffix: 'tago_authorization',
      placement: { queryParameter: 'authorization' },
    },
  ],
  source: 'tpx-iot-flow-doc docs/Connector/TAGO/README.md',
};

export interface TagoConnectionProps extends PresetConnectionOptions {
  /** The TagoIO authorization (admin.tago.io → Devices → Authorization), as a token of a sensitive `TerraformVariable`. */
  readonly authorization: string;
  /**
   * Where IoT Flow posts uplinks, without the authorization (it is added as `?authorization=`).
   * @default https://actility.middleware.tago.io/uplink
   */
  readonly destinationUrl?: string;
}
