// Decode-time checks of an object against its schema, as upstream's strict decoder makes them: fields the
// schema does not know (for fieldValidation Strict/Warn), and values of the wrong JSON type (always a 400:
// upstream cannot even decode those).
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";
import type { KindSchema } from "./schema.ts";
import { resolveSchema } from "./schema.ts";

export interface TypeMismatch {
  /** Full JSON path, e.g. "data.a" or "spec.replicas". */
  path: string;
  /** The innermost struct holding the field, e.g. "ConfigMap", "DeploymentSpec". */
  struct: string;
  /** JSON kind of the value sent: string, number, bool, array, object. */
  got: string;
  /** The type the field has, in Go's spelling: string, int32, bool, ... */
  want: string;
}

export interface SchemaCheck {
  unknown: string[];
  mismatch: TypeMismatch | undefined;
}

const QUANTITY = "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity";
const RAW_EXTENSION = "#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension";

export function checkAgainstSchema(obj: unknown, schema: KindSchema): SchemaCheck {
  const out: SchemaCheck = { unknown: [], mismatch: undefined };
  const root = schema.definitions[schema.root];
  walk(schema.definitions, root, obj, undefined, shortName(schema.root), out);
  return out;
}

const shortName = (definition: string): string => definition.slice(definition.lastIndexOf(".") + 1);

/** Where a value sits, as a chain up to the root; spelled out ("spec.containers[0].name") only for a report. */
interface Path {
  up: Path | undefined;
  key: string | number;
}

function spell(at: Path | undefined): string {
  if (!at) return "";
  const parent = spell(at.up);
  if (typeof at.key === "number") return `${parent}[${at.key}]`;
  return parent ? `${parent}.${at.key}` : at.key;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

function goType(s: SchemaObject): string {
  if (s.type === "integer") return s.format === "int64" ? "int64" : "int32";
  if (s.type === "number") return "float64";
  if (s.type === "boolean") return "bool";
  if (s.type === "array") return "array";
  if (s.type === "object") return "object";
  return "string";
}

/** Whether a JSON value can decode into a field of this schema (null always can: it means the zero value). */
function fits(s: SchemaObject, v: unknown): boolean {
  if (v === null || s["x-kubernetes-preserve-unknown-fields"]) return true;
  if (s["x-kubernetes-int-or-string"]) return typeof v === "string" || (typeof v === "number" && Number.isInteger(v));
  switch (s.type) {
    case "string": return typeof v === "string";
    case "integer": return typeof v === "number" && Number.isInteger(v);
    case "number": return typeof v === "number";
    case "boolean": return typeof v === "boolean";
    case "array": return Array.isArray(v);
    case "object": return typeof v === "object" && !Array.isArray(v);
    default: return true;
  }
}

function walk(defs: Definitions, raw: SchemaObject | undefined, value: unknown, at: Path | undefined, struct: string, out: SchemaCheck): void {
  // A RawExtension holds any JSON document.
  if (!raw || value === null || raw.$ref === RAW_EXTENSION) return;
  // Quantities decode from strings and from bare numbers.
  if (raw.$ref === QUANTITY) {
    if (out.mismatch === undefined && typeof value !== "string" && typeof value !== "number") out.mismatch = { path: spell(at), struct, got: jsonKind(value), want: "resource.Quantity" };
    return;
  }
  const s = resolveSchema(defs, raw);
  if (!s || s["x-kubernetes-preserve-unknown-fields"]) return;
  const inner = raw.$ref ? shortName(raw.$ref) : struct;
  if (at !== undefined && out.mismatch === undefined && !fits(s, value)) {
    out.mismatch = { path: spell(at), struct, got: jsonKind(value), want: goType(s) };
    return;
  }
  if (typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(defs, s.items, value[i], { up: at, key: i }, inner, out);
    return;
  }
  const fields = value as Record<string, unknown>;
  if (s.properties) {
    for (const k in fields) {
      // Own properties only: a field named "constructor" is not Object.prototype's.
      const child = Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
      if (!child) {
        if (!(at === undefined && (k === "apiVersion" || k === "kind"))) out.unknown.push(spell({ up: at, key: k }));
        continue;
      }
      walk(defs, child, fields[k], { up: at, key: k }, inner, out);
    }
    return;
  }
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    for (const k in fields) walk(defs, s.additionalProperties, fields[k], { up: at, key: k }, inner, out);
  }
}
