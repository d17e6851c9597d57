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

/** Structural equality of JSON values (key order ignored); several times faster than util.isDeepStrictEqual. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // Counted with for-in rather than Object.keys: no arrays are allocated on this hot path.
  let count = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || !jsonEqual((a as JsonObject)[k], (b as JsonObject)[k])) return false;
    count++;
  }
  for (const _ in b) if (--count < 0) return false;
  return count === 0;
}
