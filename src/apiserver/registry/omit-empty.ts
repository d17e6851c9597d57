// Go's `omitempty`, which upstream's serialization applies to every optional map and list: after a patch
// removes the last label, the object has no `labels` at all rather than `labels: {}`. Nulls go too (Go
// decodes them to zero values). Empty structs stay: they are meaningful (`emptyDir: {}`).
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";
import type { KindSchema } from "./schema.ts";
import { resolveSchema } from "./schema.ts";


const isEmptyMap = (v: unknown): boolean => !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;

export function omitEmpty(obj: unknown, schema: KindSchema): void {
  walk(schema.definitions, resolveSchema(schema.definitions, schema.definitions[schema.root]), obj);
}

function walk(defs: Definitions, s: SchemaObject | undefined, value: unknown): void {
  if (!s || value === null || typeof value !== "object" || s["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(value)) {
    const items = resolveSchema(defs, s.items);
    for (const v of value) walk(defs, items, v);
    return;
  }
  const obj = value as Record<string, unknown>;
  if (s.properties) {
    const required = s.required ?? [];
    for (const [k, v] of Object.entries(obj)) {
      const child = resolveSchema(defs, s.properties[k]);
      if (!child) continue;
      if (v === null || (!required.includes(k) && ((Array.isArray(v) && v.length === 0) || (isMap(child) && isEmptyMap(v))))) {
        delete obj[k];
        continue;
      }
      walk(defs, child, v);
    }
  } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
    const child = resolveSchema(defs, s.additionalProperties);
    for (const v of Object.values(obj)) walk(defs, child, v);
  }
}

const isMap = (s: SchemaObject): boolean => !s.properties && typeof s.additionalProperties === "object";
