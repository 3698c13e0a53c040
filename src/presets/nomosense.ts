import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** Nomosense: the API key in the URL's query (`?apikey=`). */
export const NOMOSENSE: PresetDefinition = {
  kind: 'nomosense',
  brand: 'NOMOSENSE',
  title: 'Nomosense',
  connectorId: HTTP_CONNECTOR_ID,
  destination: {
    default: 'https://iot.nomosense.com/api/lora/message/actility-tpe',
    hosts: ['iot.nomosense.com'],
  },
  fields: [],
  secrets: [
    {
      prop: 'apiKey',
      label: 'API key',
      variableSuffix: 'nomosense_key',
      placement: { queryParameter: 'apikey' },
    },
  ],
  source: 'tpx-iot-flow-doc docs/Connector/NOMOSENSE/README.md',
};

export interface NomosenseConnectionProps extends PresetConnectionOptions {
  /** The Nomosense API key, as a token of a sensitive `TerraformVariable`. */
  readonly apiKey: string;
  /**
   * Where IoT Flow posts uplinks, without the key (it is added as `?apikey=`).
   * @default https://iot.nomosense.com/api/lora/message/actility-tpe
   */
  readonly destinationUrl?: string;
}
