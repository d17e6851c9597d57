// What strategic merge patch needs to know about a field: its schema (with $ref followed) and upstream's
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key, which sit on the property that uses the type.
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";

export interface PatchSchema {
  definitions: Definitions;
  /** The definition name of the patched object's type, e.g. "io.k8s.api.apps.v1.Deployment". */
  root: string;
}

export interface FieldPatchMeta {
  /** The field's schema with $ref followed; undefined where the schema says nothing (merge patch applies). */
  schema?: SchemaObject;
  /** "merge", "replace" or "" (the default: maps merge, lists are replaced). retainKeys is dropped: it only
   *  tells clients to send $retainKeys. */
  strategy: string;
  mergeKey: string;
}

const NO_META: FieldPatchMeta = { strategy: "", mergeKey: "" };

const REF = "#/definitions/";

/** Follows $ref until a schema with content; undefined for a dangling or circular reference. */
export function resolve(definitions: Definitions, schema: SchemaObject | undefined): SchemaObject | undefined {
  const seen = new Set<string>();
  let current = schema;
  while (current?.$ref) {
    const name = current.$ref.startsWith(REF) ? current.$ref.slice(REF.length) : current.$ref;
    if (seen.has(name)) return undefined;
    seen.add(name);
    current = Object.hasOwn(definitions, name) ? definitions[name] : undefined;
  }
  return current;
}

export const rootSchema = (s: PatchSchema) => resolve(s.definitions, { $ref: REF + s.root });

/** The patch metadata of `key` in an object of schema `parent` (a declared property or a map value). */
export function fieldMeta(definitions: Definitions, parent: SchemaObject | undefined, key: string): FieldPatchMeta {
  const declared = parent?.properties && Object.hasOwn(parent.properties, key) ? parent.properties[key] : undefined;
  const property = declared ?? (typeof parent?.additionalProperties === "object" ? parent.additionalProperties : undefined);
  if (!property) return NO_META;
  const strategy = (property["x-kubernetes-patch-strategy"] ?? "").split(",").find((s) => s && s !== "retainKeys") ?? "";
  return { schema: resolve(definitions, property), strategy, mergeKey: property["x-kubernetes-patch-merge-key"] ?? "" };
}

/** The metadata of a list's elements: their schema; elements carry no strategy of their own. */
export const itemMeta = (definitions: Definitions, list: FieldPatchMeta): FieldPatchMeta => ({
  ...NO_META,
  schema: resolve(definitions, list.schema?.items),
});
