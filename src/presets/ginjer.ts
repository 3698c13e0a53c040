import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/**
 * Ginjer: the API key as the `Authorization` header. The docs' example also sends a top-level
 * `upOperations` (a message flattener); the provider has no attribute for it, so it is not sent (assumed
 * optional: the docs call only Authorization obligatory).
 */
export const GINJER: PresetDefinition = {
  kind: 'ginjer',
  brand: 'GINJER',
  title: 'Ginjer',
  connectorId: HTTP_CONNECTOR_ID,
  destination: { default: 'https://prodapi.ginjer.io/notify', hosts: ['prodapi.ginjer.io'] },
  fields: [],
  secrets: [
    {
      prop: 'ginjerKey',
      label: 'Ginjer key',
      variableSuffix: 'ginjer_key',
      placement: { header: 'Authorization' },
    },
  ],
  source: 'tpx-iot-flow-doc docs/Connector/GINJER/README.md',
};

export interface GinjerConnectionProps extends PresetConnectionOptions {
  /** The Ginjer API key (Setup → Network → Configure → Generate a new API Key), as a token of a sensitive `TerraformVariable`. */
  readonly ginjerKey: string;
  /**
   * Where IoT Flow posts uplinks.
   * @default https://prodapi.ginjer.io/notify
   */
  readonly destinationUrl?: string;
}
