// Small helpers over plain JSON values.

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

export function isEmptyObject(v: JsonObject): boolean {
  for (const _ in v) return false;
  return true;
}

/** A shallow copy of `obj` whose metadata has no managedFields (they never take part in merging or diffing). */
export function withoutManagedFields(obj: JsonObject): JsonObject {
  const meta = obj.metadata;
  if (!isObject(meta) || !("managedFields" in meta)) return obj;
  const { managedFields: _, ...rest } = meta;
  return { ...obj, metadata: rest };
}

