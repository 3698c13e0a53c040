import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** Gear Studio: the user's own instance, the access token in the URL's query (`?accessToken=`). */
export const GEAR_STUDIO: PresetDefinition = {
  kind: 'gear-studio',
  brand: 'GEAR_STUDIO',
  title: 'Gear Studio',
  connectorId: HTTP_CONNECTOR_ID,
  destination: { path: '/services/thingpark' },
  fields: [],
  secrets: [
    {
      prop: 'accessToken',
      label: 'access token',
      variableSuffix: 'gear_studio_token',
      placement: { queryParameter: 'accessToken' },
    },
  ],
  source:
    'tpx-iot-flow-doc docs/Connector/GEAR_STUDIO/README.md (current layout: both in destinationURL; the 2022 instanceHostname/accessToken fields are not sent)',
};

export interface GearStudioConnectionProps extends PresetConnectionOptions {
  /**
   * The instance's endpoint, `https://<instance hostname>/services/thingpark`, e.g.
   * `https://gear.cloud.studio/services/thingpark`, without the access token (it is added as `?accessToken=`).
   */
  readonly destinationUrl: string;
  /** The instance's access token (settings → Security → Access Tokens), as a token of a sensitive `TerraformVariable`. */
  readonly accessToken: string;
}
