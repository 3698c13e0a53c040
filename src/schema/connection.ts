/** Rules for the parameters every IoT Flow connection shares (the "common parameters"). */
import { z } from 'zod';
import { dataString, plainText, rule, secretString, wholeNumber } from './rules';
import { RECONNECT_STRATEGIES } from '../wire-format';

/** Day names exactly as the IoT Flow docs write them (`About_connections.md`). */
const ALARM_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const ALARM_FREQUENCIES = ['daily', 'weekly'] as const;
const DOCUMENTED_RECURRENCE = '{ frequency: "weekly", byDays: ["monday", "friday"] }';

const recurrence = z
  .object({
    frequency: z.enum(
      ALARM_FREQUENCIES,
      rule(
        'daily or weekly (lower case, as the IoT Flow docs write it)',
        `write it as ${DOCUMENTED_RECURRENCE}`,
      ),
    ),
    byDays: z
      .array(
        z.enum(
          ALARM_DAYS,
          rule(
            `full lower-case day names: ${ALARM_DAYS.join(', ')}`,
            `write days in full, e.g. ${DOCUMENTED_RECURRENCE}`,
          ),
        ),
      )
      .optional(),
  })
  .strict();

/** The documented alarm form: alert when fewer uplinks than `uplinkRateMinPerHour` arrive in the window. */
const alarm = z
  .object({
    startTime: dataString('startTime').optional(),
    endTime: dataString('endTime').optional(),
    timezone: dataString('timezone').optional(),
    recurrence: z.array(recurrence).optional(),
    uplinkRateMinPerHour: z
      .number()
      .int(rule('a whole number of uplinks per hour', 'round it'))
      .min(0, rule('0 or more', 'use a non-negative rate'))
      .optional(),
    message: dataString('message').optional(),
  })
  .strict();

/** Parameters inside `configuration` common to all connectors. */
export const commonConfigurationSchema = z.object({
  description: plainText('description', 512).optional(),
  createDevices: z.boolean(rule('true or false', 'pass a boolean')).optional(),
  sendMetadata: z.boolean(rule('true or false', 'pass a boolean')).optional(),
  sendRawDecodedFormat: z.boolean(rule('true or false', 'pass a boolean')).optional(),
  uplinkTimeValidity: z
    .string(rule('a duration string', 'write it like 30s, 5m or 1h'))
    .regex(
      /^[1-9]\d*[smhd]$/,
      rule('a duration such as 30s, 5m, 1h or 2d', 'write a number followed by s, m, h or d'),
    )
    .optional(),
  downlinkEnabled: z.boolean(rule('true or false', 'pass a boolean')).optional(),
  downlinkAsId: plainText('downlinkAsId', 128).optional(),
  downlinkAsKey: secretString('downlinkAsKey').optional(),
  downlinkPort: wholeNumber(1, 223, {
    what: 'a LoRaWAN FPort',
    below: 'use an FPort from 1 to 223',
    above: 'use an FPort from 1 to 223 (224+ are reserved)',
  }).optional(),
  reconnectStrategy: z
    .enum(
      RECONNECT_STRATEGIES,
      rule(RECONNECT_STRATEGIES.join(', '), `pick one of ${RECONNECT_STRATEGIES.join(', ')}`),
    )
    .optional(),
});

/** Top-level fields of any connection. */
export const connectionSchema = z.object({
  name: plainText('name', 128),
  connectorId: z
    .string(rule('a connector id', 'pass the connector id, e.g. actility-http-iot'))
    .regex(
      /^[a-z0-9][a-z0-9-]*$/,
      rule('a connector id such as actility-http-iot', 'use the id from GET /connectors'),
    ),
  brand: z
    .string()
    .regex(
      /^[A-Z][A-Z0-9_]*$/,
      rule('an upper-case brand such as QUBITRO', 'use the brand of the connector preset'),
    )
    .optional(),
  active: z.boolean(rule('true or false', 'pass a boolean')).optional(),
  alarms: z.array(alarm).optional(),
  configuration: z.record(
    z.string(),
    z.unknown(),
    rule('an object', 'pass the connector configuration object'),
  ),
  secretFields: z
    .array(
      z
        .string()
        .regex(
          /^\w+(\.\w+)*$/,
          rule('dotted paths inside configuration, e.g. headers.webhookSigningKey', 'use dots between keys'),
        ),
    )
    .optional(),
  importFrom: z
    .string(rule('a connection id string', 'pass the id as a string, e.g. "1114"'))
    .regex(
      /^[A-Za-z0-9_-]+$/,
      rule('a connection id such as 1114', 'copy the id from the ThingPark UI or GET /connections'),
    )
    .optional(),
});

export type Alarm = z.infer<typeof alarm>;
