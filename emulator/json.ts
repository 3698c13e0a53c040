export type JsonObject = Record<string, unknown>;

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Deeper bodies are refused before parsing: no real connection nests past a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[`/`{` in `text`, counted outside strings in one iterative pass, stopping as
 * soon as it exceeds `limit`. Runs before `JSON.parse`, so no deep value ever reaches recursive code.
 */
function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

export function parseJson(body: Buffer): JsonResult {
  const text = body.toString('utf8');
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    return { ok: false, message: `Invalid JSON body: nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `Invalid JSON body: ${(err as Error).message}` };
  }
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
