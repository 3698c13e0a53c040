import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** CommonSense: a fixed URL (its query names the device id field) and no credential. */
export const COMMONSENSE: PresetDefinition = {
  kind: 'commonsense',
  brand: 'COMMONSENSE',
  title: 'CommonSense',
  connectorId: HTTP_CONNECTOR_ID,
  destination: {
    default: 'https://cs-vm2m.net/com/http?idName=DevEUI_uplink+DevEUI',
    hosts: ['cs-vm2m.net'],
  },
  fields: [],
  secrets: [],
  source: 'tpx-iot-flow-doc docs/Connector/COMMONSENSE/README.md',
};

export interface CommonsenseConnectionProps extends PresetConnectionOptions {
  /**
   * Where IoT Flow posts uplinks.
   * @default https://cs-vm2m.net/com/http?idName=DevEUI_uplink+DevEUI
   */
  readonly destinationUrl?: string;
}
