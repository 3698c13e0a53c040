import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** myDevices Cayenne: a fixed URL and no credential. */
export const CAYENNE: PresetDefinition = {
  kind: 'cayenne',
  brand: 'CAYENNE',
  title: 'Cayenne',
  connectorId: HTTP_CONNECTOR_ID,
  destination: {
    default: 'https://lora.mydevices.com/v1/networks/actility/uplink',
    hosts: ['lora.mydevices.com'],
  },
  fields: [],
  secrets: [],
  source: 'tpx-iot-flow-doc docs/Connector/CAYENNE/README.md',
};

export interface CayenneConnectionProps extends PresetConnectionOptions {
  /**
   * Where IoT Flow posts uplinks.
   * @default https://lora.mydevices.com/v1/networks/actility/uplink
   */
  readonly destinationUrl?: string;
}
