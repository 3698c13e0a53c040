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

/** A date, time and UTC offset, as the IoT Flow docs write alarm times (`2019-01-31T09:00:00+01:00`). */
const ISO_8601_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DOCUMENTED_TIME = '2019-01-31T09:00:00+01:00';

function alarmTime(field: string) {
  const iso = rule(
    `an ISO 8601 date and time with its offset, e.g. ${DOCUMENTED_TIME} (as the IoT Flow docs write alarm times)`,
    `write ${field} as date, time and offset, e.g. ${DOCUMENTED_TIME}; the time zone's name goes in timezone`,
  );
  return dataString(field)
    .regex(ISO_8601_WITH_OFFSET, iso)
    .refine((v) => !Number.isNaN(Date.parse(v)), iso);
}

/** An IANA time zone name this Node.js knows, written as the tz database writes it (`Europe/Paris`, `UTC`). */
function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The documented alarm form: alert when fewer uplinks than `uplinkRateMinPerHour` arrive in the window. */
const alarmSchema = z
  .object({
    startTime: alarmTime('startTime').optional(),
    endTime: alarmTime('endTime').optional(),
    timezone: dataString('timezone')
      .refine(
        isIanaTimeZone,
        rule(
          'an IANA time zone name such as Europe/Paris or UTC',
          'write the tz database name of the zone, e.g. Europe/Paris (not an abbreviation or an offset)',
        ),
      )
      .optional(),
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
  alarms: z.array(alarmSchema).optional(),
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
          /^\w+(\.\w+)*(\?\w+)?$/,
          rule(
            'dotted paths inside configuration, e.g. headers.webhookSigningKey, or a query parameter of a URL field, e.g. destinationURL?authorization',
            'use dots between keys, and ? before a query parameter',
          ),
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

export type Alarm = z.infer<typeof alarmSchema>;
