/** Rules for the Qubitro preset. */
import { z } from 'zod';
import { commonConfigurationSchema } from './connection';
import { QUBITRO_DEFAULT_DESTINATION } from '../wire-format';
import { httpsUrl, PLACEHOLDER_UUID, plainText, rule, secretString } from './rules';

export const qubitroConnectionSchema = commonConfigurationSchema.extend({
  name: plainText('name', 128),
  projectId: z
    .string(rule('a UUID', 'copy the Project ID from the Qubitro portal (project → new source → Actility)'))
    .uuid(
      rule(
        'a UUID such as aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
        'copy the Project ID from the Qubitro portal (project → new source → Actility)',
      ),
    )
    // zod's uuid() takes the nil and max UUIDs, which no Qubitro project has: a placeholder left in.
    .refine(
      (v) => !PLACEHOLDER_UUID.test(v),
      rule(
        'a real project id, not the nil (all 0) or max (all f) UUID',
        'copy the Project ID from the Qubitro portal (project → new source → Actility)',
      ),
    ),
  webhookSigningKey: secretString('webhookSigningKey'),
  destinationUrl: httpsUrl('destinationUrl', QUBITRO_DEFAULT_DESTINATION).optional(),
  active: z.boolean(rule('true or false', 'pass a boolean')).optional(),
});
