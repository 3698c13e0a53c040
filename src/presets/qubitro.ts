import type { PresetDefinition } from './definition';
import { QUBITRO_BRAND, QUBITRO_CONNECTOR_ID, QUBITRO_DEFAULT_DESTINATION } from '../wire-format';

/** Qubitro: the project id and the webhook signing key as headers (the construct is `QubitroConnection`). */
export const QUBITRO: PresetDefinition = {
  kind: 'qubitro',
  brand: QUBITRO_BRAND,
  title: 'Qubitro',
  connectorId: QUBITRO_CONNECTOR_ID,
  destination: { default: QUBITRO_DEFAULT_DESTINATION },
  fields: [{ prop: 'projectId', placement: { header: 'projectId' }, format: 'uuid', account: true }],
  secrets: [
    {
      prop: 'webhookSigningKey',
      label: 'signing key',
      variableSuffix: 'signing_key',
      about: 'webhook signing key',
      obtain: 'Qubitro portal → project → new source → Actility',
      placement: { header: 'webhookSigningKey' },
    },
  ],
  source:
    'tpx-iot-flow-doc docs/Connector/QUBITRO/README.md (its JSON example; the table has copy-paste errors)',
};
