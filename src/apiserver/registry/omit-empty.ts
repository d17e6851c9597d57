// Go's decoding and `omitempty`, which upstream's serialization applies to every optional map and list: after a
// patch removes the last label, the object has no `labels` at all rather than `labels: {}`. A null field goes (Go
// decodes it to the zero value, then omits it); a null list element or map value becomes the zero value of its
// type, as Go decodes it. Empty structs stay: they are meaningful (`emptyDir: {}`).
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";
import type { KindSchema } from "./schema.ts";
import { resolveSchema } from "./schema.ts";


function isEmptyMap(v: unknown): boolean {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  for (const _ in v) return false;
  return true;
}

export function omitEmpty(obj: unknown, schema: KindSchema): void {
  walk(schema.definitions, resolveSchema(schema.definitions, schema.definitions[schema.root]), obj);
}

function walk(defs: Definitions, s: SchemaObject | undefined, value: unknown): void {
  if (!s || value === null || typeof value !== "object" || s["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(value)) {
    const items = resolveSchema(defs, s.items);
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null && items) value[i] = zeroValue(items);
      walk(defs, items, value[i]);
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  if (s.properties) {
    const required = s.required ?? [];
    for (const k in obj) {
      const v = obj[k];
      const child = Object.hasOwn(s.properties, k) ? resolveSchema(defs, s.properties[k]) : undefined;
      if (!child) continue;
      if (v === null || (!required.includes(k) && ((Array.isArray(v) && v.length === 0) || (isMap(child) && isEmptyMap(v))))) {
        delete obj[k];
        continue;
      }
      walk(defs, child, v);
    }
  } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
    const child = resolveSchema(defs, s.additionalProperties);
    for (const k in obj) {
      if (obj[k] === null && child) obj[k] = zeroValue(child);
      walk(defs, child, obj[k]);
    }
  }
}

function zeroValue(s: SchemaObject): unknown {
  if (s["x-kubernetes-int-or-string"] || s["x-kubernetes-preserve-unknown-fields"]) return null;
  switch (s.type) {
    case "string": return "";
    case "integer":
    case "number": return 0;
    case "boolean": return false;
    case "array": return [];
    default: return {};
  }
}

const isMap = (s: SchemaObject): boolean => !s.properties && typeof s.additionalProperties === "object";
