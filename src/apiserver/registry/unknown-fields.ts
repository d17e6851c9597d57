// Server-side field validation: finds fields an object carries that its schema does not know, for
// fieldValidation=Strict (400) and Warn (warning headers), as upstream's decoder reports them.
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";
import type { KindSchema } from "./schema.ts";
import { resolveSchema } from "./schema.ts";


export function unknownFields(obj: unknown, schema: KindSchema): string[] {
  const out: string[] = [];
  walk(schema.definitions, resolveSchema(schema.definitions, schema.definitions[schema.root]), obj, "", out);
  return out;
}

function walk(defs: Definitions, s: SchemaObject | undefined, value: unknown, path: string, out: string[]): void {
  if (!s || value === null || typeof value !== "object" || s["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(value)) {
    const items = resolveSchema(defs, s.items);
    if (items) value.forEach((v, i) => walk(defs, items, v, `${path}[${i}]`, out));
    return;
  }
  if (s.properties) {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      const child = s.properties[k];
      if (!child) {
        if (!(path === "" && (k === "apiVersion" || k === "kind"))) out.push(p);
        continue;
      }
      walk(defs, resolveSchema(defs, child), v, p, out);
    }
    return;
  }
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    const child = resolveSchema(defs, s.additionalProperties);
    for (const [k, v] of Object.entries(value)) walk(defs, child, v, path ? `${path}.${k}` : k, out);
  }
}
