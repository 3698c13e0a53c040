/** Rules for one ThingPark endpoint. */
import { z } from 'zod';
import { apiUrl, plainText, rule, secretString } from './rules';

export const apiSchema = z.object({
  baseUrl: apiUrl('baseUrl', 'https://community.thingpark.io/iot-flow/v1'),
  clientId: plainText('clientId', 256).optional(),
  clientSecret: secretString('clientSecret').optional(),
  tokenUrl: apiUrl(
    'tokenUrl',
    'https://community.thingpark.io/users-auth/protocol/openid-connect/token',
  ).optional(),
  bearerToken: secretString('bearerToken').optional(),
  maxRetries: z
    .number(rule('a number of retries', 'pass a number'))
    .int(rule('a whole number from 0 to 10', 'use 0 to 10'))
    .min(0, rule('0 to 10', 'use 0 to disable retries'))
    .max(10, rule('0 to 10', 'use at most 10 retries'))
    .optional(),
  timeoutSeconds: z
    .number(rule('a number of seconds', 'pass a number'))
    .int(rule('a whole number of seconds from 1 to 600', 'round it'))
    .min(1, rule('1 to 600 seconds', 'use at least 1 second'))
    .max(600, rule('1 to 600 seconds', 'use at most 600 seconds'))
    .optional(),
  settleTimeoutSeconds: z
    .number(rule('a number of seconds', 'pass a number'))
    .int(rule('a whole number of seconds from 0 to 3600', 'round it'))
    .min(0, rule('0 to 3600 seconds', 'use 0 to read states once without waiting'))
    .max(3600, rule('0 to 3600 seconds', 'use at most 3600 seconds'))
    .optional(),
});
