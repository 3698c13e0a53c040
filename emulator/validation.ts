import { HTTP_CONNECTOR_ID } from '../src/wire-format';
import { BRANDS } from './brands';
import { brandSchema } from './connectors';
import { schemaProblem } from './json-schema';
import { isPlainObject, type JsonObject } from './json';

export type ConnectionBody = { ok: true; fields: JsonObject } | { ok: false; message: string };

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function connectionError(body: unknown): string | undefined {
  if (!isPlainObject(body)) return 'Request body must be a JSON object';
  if (!isNonEmptyString(body.name)) return 'name is required and must be a non-empty string';
  if (!isNonEmptyString(body.connectorId)) return 'connectorId is required and must be a non-empty string';
  if (!isPlainObject(body.configuration)) return 'configuration is required and must be an object';
  if (body.active !== undefined && typeof body.active !== 'boolean') return 'active must be a boolean';
  if (body.brand !== undefined && typeof body.brand !== 'string') return 'brand must be a string';
  const schema = brandSchema(body.brand);
  // A brand's own rules: the schema GET /connectors shows for it, whatever the connector id says.
  if (schema) return schemaProblem(schema, body.configuration, 'configuration');
  if (body.connectorId === HTTP_CONNECTOR_ID && body.brand !== undefined) {
    return `brand ${body.brand} is not a brand of ${HTTP_CONNECTOR_ID}: one of ${BRANDS.map((b) => b.brand).join(', ')}`;
  }
  return undefined;
}

/** Validates a full connection as sent by POST or PUT (PUT is a full replace, so the same rules apply). */
export function parseConnectionBody(body: unknown): ConnectionBody {
  const message = connectionError(body);
  return message === undefined ? { ok: true, fields: body as JsonObject } : { ok: false, message };
}
