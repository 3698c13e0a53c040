/** Rules for one ThingPark endpoint. */
import { z } from 'zod';
import { apiUrl, plainText, secretString, wholeNumber } from './rules';

export const apiSchema = z.object({
  baseUrl: apiUrl('baseUrl', 'https://community.thingpark.io/iot-flow/v1'),
  clientId: plainText('clientId', 256).optional(),
  clientSecret: secretString('clientSecret').optional(),
  tokenUrl: apiUrl(
    'tokenUrl',
    'https://community.thingpark.io/users-auth/protocol/openid-connect/token',
  ).optional(),
  bearerToken: secretString('bearerToken').optional(),
  maxRetries: wholeNumber(0, 10, { unit: 'retries', below: 'use 0 to disable retries' }).optional(),
  timeoutSeconds: wholeNumber(1, 600, { unit: 'seconds' }).optional(),
  settleTimeoutSeconds: wholeNumber(0, 3600, {
    unit: 'seconds',
    below: 'use 0 to read states once without waiting',
  }).optional(),
});
