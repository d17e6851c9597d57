// Plain-JSON helpers shared by the patch mechanisms. Keys come from request bodies, so reads and writes go
// through own properties only: a "__proto__" key must stay an ordinary (if meaningless) field.

export type JsonObject = { [key: string]: unknown };

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The value stored under `key` itself, never one inherited from Object.prototype. */
export const own = (o: JsonObject, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** Sets `key` as an own data property, even when it is "__proto__". */
export function put(o: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy of a JSON value: several times faster than structuredClone on API objects. */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const out: JsonObject = {};
  for (const k in v) {
    const member = cloneJson((v as JsonObject)[k]);
    if (k === "__proto__") put(out, k, member);
    else out[k] = member;
  }
  return out as T;
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
