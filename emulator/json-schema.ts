import { isPlainObject, type JsonObject } from './json';

/**
 * Checks a value against the draft-04 keywords the emulator's connector schemas use (`type`, `required`,
 * `properties`, `additionalProperties`, `enum`, `minLength`, `pattern`) and answers the first problem, naming
 * its path, as the real server refuses a body (`additionalProperties: false`: an unknown key is an error).
 * Other keywords (`format`, `default`, `description`, …) are documentation here.
 */
export function schemaProblem(schema: JsonObject, value: unknown, path: string): string | undefined {
  const types = schema.type === undefined ? undefined : ([] as unknown[]).concat(schema.type);
  if (types && !types.some((t) => hasType(value, t))) return `${path} must be of type ${types.join(' or ')}`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return `${path} must be one of ${schema.enum.join(', ')}`;
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      return `${path} must not be empty`;
    }
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
      return `${path} ${typeof schema.description === 'string' ? `must be ${schema.description}` : `must match ${schema.pattern}`}`;
    }
  }
  if (!isPlainObject(value)) return undefined;
  for (const key of (schema.required as string[] | undefined) ?? []) {
    if (value[key] === undefined) return `${path}.${key} is required`;
  }
  const properties = (schema.properties as Record<string, JsonObject> | undefined) ?? {};
  for (const [key, item] of Object.entries(value)) {
    const itemSchema: unknown = properties[key] ?? schema.additionalProperties;
    if (itemSchema === false)
      return `${path}.${key} is not a field of this connector (additionalProperties: false)`;
    if (isPlainObject(itemSchema)) {
      const problem = schemaProblem(itemSchema, item, `${path}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    default:
      return typeof value === type;
  }
}
