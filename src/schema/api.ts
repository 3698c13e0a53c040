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
});
