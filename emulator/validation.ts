import { isPlainObject, type JsonObject } from './json';

export type ConnectionBody = { ok: true; fields: JsonObject } | { ok: false; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The checks a Qubitro connector needs to deliver anything; the real API should refuse these too. */
function qubitroError(configuration: JsonObject): string | undefined {
  if (!isHttpsUrl(configuration.destinationURL)) return 'configuration.destinationURL must be an https URL';
  const headers = configuration.headers;
  if (!isPlainObject(headers)) return 'configuration.headers must be an object';
  if (typeof headers.projectId !== 'string' || !UUID.test(headers.projectId)) {
    return 'configuration.headers.projectId must be a UUID';
  }
  if (!isNonEmptyString(headers.webhookSigningKey)) {
    return 'configuration.headers.webhookSigningKey must be a non-empty string';
  }
  return undefined;
}

function connectionError(body: unknown): string | undefined {
  if (!isPlainObject(body)) return 'Request body must be a JSON object';
  if (!isNonEmptyString(body.name)) return 'name is required and must be a non-empty string';
  if (!isNonEmptyString(body.connectorId)) return 'connectorId is required and must be a non-empty string';
  if (!isPlainObject(body.configuration)) return 'configuration is required and must be an object';
  if (body.active !== undefined && typeof body.active !== 'boolean') return 'active must be a boolean';
  if (body.brand === 'QUBITRO') return qubitroError(body.configuration);
  return undefined;
}

/** Validates a full connection as sent by POST or PUT (PUT is a full replace, so the same rules apply). */
export function parseConnectionBody(body: unknown): ConnectionBody {
  const message = connectionError(body);
  return message === undefined ? { ok: true, fields: body as JsonObject } : { ok: false, message };
}
