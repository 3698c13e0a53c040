/**
 * The value at a path inside plain JSON-like data: a dotted path (`configuration.headers.projectId`, `''` for
 * the value itself) or a list of keys. Undefined where a step is missing or is not an object.
 */
export function valueAtPath(value: unknown, path: string | readonly PropertyKey[]): unknown {
  const keys = typeof path === 'string' ? (path === '' ? [] : path.split('.')) : path;
  return keys.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    value,
  );
}
