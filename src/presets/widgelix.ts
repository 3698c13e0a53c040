import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** Widgelix: the device connectivity's access token as `Authorization: Bearer …`. */
export const WIDGELIX: PresetDefinition = {
  kind: 'widgelix',
  brand: 'WIDGELIX',
  title: 'Widgelix',
  connectorId: HTTP_CONNECTOR_ID,
  destination: {
    default: 'https://app.widgelix.com/v1/input-node/actility',
    hosts: ['app.widgelix.com'],
  },
  fields: [],
  secrets: [
    {
      prop: 'accessToken',
      label: 'access token',
      variableSuffix: 'widgelix_token',
      placement: { header: 'Authorization', prefix: 'Bearer ' },
    },
  ],
  source: 'tpx-iot-flow-doc docs/Connector/WIDGELIX/README.md',
};

export interface WidgelixConnectionProps extends PresetConnectionOptions {
  /** The Widgelix access token of the device's connectivity, without `Bearer `, as a token of a sensitive `TerraformVariable`. */
  readonly accessToken: string;
  /**
   * Where IoT Flow posts uplinks.
   * @default https://app.widgelix.com/v1/input-node/actility
   */
  readonly destinationUrl?: string;
}
