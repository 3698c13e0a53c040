import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** UnaBiz UnaConnect: a regional host (APAC by default, `euw-1.` for Europe), the token as `authorization: Bearer …`. */
export const UNABIZ: PresetDefinition = {
  kind: 'unabiz',
  brand: 'UNABIZ',
  title: 'UnaConnect',
  connectorId: HTTP_CONNECTOR_ID,
  destination: {
    default: 'https://network.unaconnect.io/actility/data',
    hosts: ['network.unaconnect.io', 'euw-1.network.unaconnect.io'],
  },
  fields: [],
  secrets: [
    {
      prop: 'token',
      label: 'token',
      variableSuffix: 'unaconnect_token',
      placement: { header: 'authorization', prefix: 'Bearer ' },
    },
  ],
  source: 'tpx-iot-flow-doc docs/Connector/UNABIZ/README.md',
};

export interface UnabizConnectionProps extends PresetConnectionOptions {
  /** The UnaConnect token (Settings), without `Bearer `, as a token of a sensitive `TerraformVariable`. */
  readonly token: string;
  /**
   * Where IoT Flow posts uplinks: `https://euw-1.network.unaconnect.io/actility/data` for the Europe region.
   * @default https://network.unaconnect.io/actility/data (APAC)
   */
  readonly destinationUrl?: string;
}
