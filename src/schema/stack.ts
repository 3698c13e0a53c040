/** Rules for a QubitroProjectStack's own props; the endpoint and each connection check theirs. */
import { z } from 'zod';
import { stackBackendSchema } from './backend';
import { connectionIdSchema, rule, variableName } from './rules';

/** Checked by IotFlowApi or QubitroConnection, which the stack passes them to. */
const checkedElsewhere = z.unknown().optional();

export const projectStackSchema = z.object({
  baseUrl: checkedElsewhere,
  clientId: checkedElsewhere,
  tokenUrl: checkedElsewhere,
  projectId: checkedElsewhere,
  maxRetries: checkedElsewhere,
  timeoutSeconds: checkedElsewhere,
  settleTimeoutSeconds: checkedElsewhere,
  connections: z
    .array(
      z.looseObject({ id: connectionIdSchema }),
      rule('a list of connections', 'pass connections: [...]'),
    )
    .refine(
      (list) => new Set(list.map((c) => c.id)).size === list.length,
      rule('connections with distinct ids', 'give each connection its own id, e.g. Uplinks and Backup'),
    ),
  clientSecretVariable: variableName(
    'the ThingPark client secret',
    'prod_thingpark_client_secret',
  ).optional(),
  bearerTokenVariable: variableName('a ThingPark bearer token', 'prod_thingpark_token').optional(),
  signingKeyVariable: variableName("the project's webhook signing key", 'farm_signing_key').optional(),
  backend: stackBackendSchema.optional(),
  encryptionPassphraseVariable: variableName(
    'the state encryption passphrase',
    'prod_state_passphrase',
  ).optional(),
});
