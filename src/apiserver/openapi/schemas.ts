// Schema helpers for the served documents: the definitions a document needs (everything its roots refer to,
// transitively) and the OpenAPI v3 form of a v2 schema.
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";

const V2_REF = "#/definitions/";
const V3_REF = "#/components/schemas/";

/** The named definitions plus all they refer to, sorted by name. */
export function closure(defs: Definitions, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const def = defs[name];
    if (!def) throw new Error(`no OpenAPI definition ${name}`);
    seen.add(name);
    walkRefs(def, visit);
  };
  for (const r of roots) visit(r);
  return [...seen].sort();
}

function walkRefs(s: SchemaObject, visit: (name: string) => void): void {
  if (s.$ref) visit(s.$ref.slice(V2_REF.length));
  if (s.items) walkRefs(s.items, visit);
  if (typeof s.additionalProperties === "object") walkRefs(s.additionalProperties, visit);
  for (const p of Object.values(s.properties ?? {})) walkRefs(p, visit);
}

/** A v3 schema: v2's keywords plus the composition keywords v3 documents use. */
export type SchemaV3 = Omit<SchemaObject, "properties" | "items" | "additionalProperties"> & {
  properties?: Record<string, SchemaV3>;
  items?: SchemaV3;
  additionalProperties?: SchemaV3 | boolean;
  allOf?: SchemaV3[];
  oneOf?: SchemaV3[];
};

/** v3 can say what v2 could not: these two accept either JSON type. */
const V3_OVERRIDES: Record<string, (s: SchemaObject) => SchemaV3> = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": (s) => ({
    description: s.description, format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }],
  }),
  "io.k8s.apimachinery.pkg.api.resource.Quantity": (s) => ({
    description: s.description, oneOf: [{ type: "string" }, { type: "number" }],
  }),
};

export function definitionV3(name: string, s: SchemaObject): SchemaV3 {
  return V3_OVERRIDES[name]?.(s) ?? schemaV3(s);
}

/**
 * v3 form of a v2 schema: refs point into components, and a ref with siblings (description, default) is wrapped
 * in allOf, since v3 ignores siblings of $ref. Upstream serves the same shape, which kubectl explain expects.
 */
export function schemaV3(s: SchemaObject): SchemaV3 {
  const { $ref, properties, items, additionalProperties, ...rest } = s;
  const out: SchemaV3 = { ...rest };
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, schemaV3(v)]));
  if (items) out.items = schemaV3(items);
  if (additionalProperties !== undefined) {
    out.additionalProperties = typeof additionalProperties === "object" ? schemaV3(additionalProperties) : additionalProperties;
  }
  if (!$ref) return out;
  const ref = { $ref: V3_REF + $ref.slice(V2_REF.length) };
  return Object.keys(out).length === 0 ? ref : { allOf: [ref], ...out };
}
