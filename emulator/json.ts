export type JsonObject = Record<string, unknown>;

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJson(body: Buffer): JsonResult {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch (err) {
    return { ok: false, message: `Invalid JSON body: ${(err as Error).message}` };
  }
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
