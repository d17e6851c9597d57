// Small helpers over plain JSON values.

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

export function isEmptyObject(v: JsonObject): boolean {
  for (const _ in v) return false;
  return true;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // Counted with for-in rather than Object.keys: no arrays are allocated on this hot path.
  let count = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || !deepEqual((a as JsonObject)[k], (b as JsonObject)[k])) return false;
    count++;
  }
  for (const _ in b) if (--count < 0) return false;
  return count === 0;
}

/** A shallow copy of `obj` whose metadata has no managedFields (they never take part in merging or diffing). */
export function withoutManagedFields(obj: JsonObject): JsonObject {
  const meta = obj.metadata;
  if (!isObject(meta) || !("managedFields" in meta)) return obj;
  const { managedFields: _, ...rest } = meta;
  return { ...obj, metadata: rest };
}

