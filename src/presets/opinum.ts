import type { PresetConnectionOptions } from './options';
import type { PresetDefinition } from './definition';
import { HTTP_CONNECTOR_ID } from '../wire-format';

/** Opinum Data Hub: no destination URL; the credentials as `username` and `password` configuration fields. */
export const OPINUM: PresetDefinition = {
  kind: 'opinum',
  brand: 'OPINUM',
  title: 'Opinum',
  connectorId: HTTP_CONNECTOR_ID,
  fields: [{ prop: 'username', placement: { field: 'username' }, format: 'text', account: true }],
  secrets: [
    {
      prop: 'password',
      label: 'password',
      variableSuffix: 'opinum_password',
      placement: { field: 'password' },
    },
  ],
  source: 'tpx-iot-flow-doc docs/Connector/OPINUM/README.md',
};

export interface OpinumConnectionProps extends PresetConnectionOptions {
  /** The Opinum Data Hub username (an e-mail address). */
  readonly username: string;
  /** The Opinum Data Hub password, as a token of a sensitive `TerraformVariable`. */
  readonly password: string;
}
