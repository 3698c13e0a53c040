import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** Datacake: the access token in the `Authorization: Token …` header (the docs' example, not its table). */
export const DATACAKE: PresetDefinition = {
  kind: 'datacake',
  brand: 'DATACAKE',
  title: 'Datacake',
  connectorId: HTTP_CONNECTOR_ID,
  destination: {
    default: 'https://api.datacake.co/integrations/lorawan/actility',
    hosts: ['api.datacake.co'],
  },
  fields: [],
  secrets: [
    {
      prop: 'accessToken',
      label: 'access token',
      variableSuffix: 'datacake_token',
      placement: { header: 'Authorization', prefix: 'Token ' },
    },
  ],
  source:
    'tpx-iot-flow-doc docs/Connector/DATACAKE/README.md (its example sends headers.Authorization "Token …"; its table says headers/accessToken: the example is followed)',
};

export interface DatacakeConnectionProps extends PresetConnectionOptions {
  /** The Datacake access token (profile → settings → API), without `Token `, as a token of a sensitive `TerraformVariable`. */
  readonly accessToken: string;
  /**
   * Where IoT Flow posts uplinks.
   * @default https://api.datacake.co/integrations/lorawan/actility
   */
  readonly destinationUrl?: string;
}
