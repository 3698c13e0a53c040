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

/** Rules for a PresetProjectStack's own props: a QubitroProjectStack's, with the preset's kind and variables. */
export function presetProjectStackSchema(kinds: readonly string[]) {
  return projectStackSchema.omit({ projectId: true, signingKeyVariable: true }).extend({
    kind: z.enum(
      kinds as [string, ...string[]],
      rule(`one of the preset kinds ${kinds.join(', ')}`, 'pass e.g. kind: "tago"'),
    ),
    fields: z
      .record(z.string(), checkedElsewhere, rule('a map of props', 'pass e.g. { projectId: … }'))
      .optional(),
    secretVariables: z
      .record(
        z.string(),
        variableName("the preset's secret", 'prod_farm_tago_authorization'),
        rule(
          'a map of secret props to variable names',
          'pass e.g. { authorization: "prod_farm_tago_authorization" }',
        ),
      )
      .optional(),
  });
}
