// Build step: turns kubernetes-types' .d.ts files into OpenAPI v2 definitions named as upstream names them
// (io.k8s.api.apps.v1.Deployment), adds what the TypeScript types cannot say (integer widths, byte strings,
// merge semantics) and writes generated/openapi-definitions.json. Run by scripts/setup.sh when stale.
// Only syntax is read (no type checker): the .d.ts files are flat interfaces, aliases and imports.
import ts from "typescript";
import fs from "node:fs";
import path from "node:path";
import type { Definitions, SchemaObject } from "../src/api/openapi/types.ts";
import { BYTE_FIELDS, namedFormatFields, numberFormat } from "../src/api/openapi/formats.ts";
import { atomicStructs, fieldSemantics } from "../src/api/openapi/list-semantics.ts";
import { declaredDefaults } from "../src/api/openapi/declared-defaults.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const TYPES_DIR = path.join(ROOT, "node_modules/kubernetes-types");
const OUT = path.join(ROOT, "generated/openapi-definitions.json");

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** kubernetes-types module path (relative, no extension) -> upstream definition-name prefix. */
function prefixOf(module: string): string {
  const special: Record<string, string> = {
    "meta/v1": META,
    runtime: "io.k8s.apimachinery.pkg.runtime",
    "api/resource": "io.k8s.apimachinery.pkg.api.resource",
    version: "io.k8s.apimachinery.pkg.version",
    "apiextensions/v1": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
  };
  return special[module] ?? `io.k8s.api.${module.replace("/", ".")}`;
}

/** Upstream's definitions for types whose TypeScript form is a bare alias or an empty interface. */
const SCALARS: Record<string, SchemaObject> = {
  "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string" },
  [`${META}.Time`]: { type: "string", format: "date-time" },
  [`${META}.MicroTime`]: { type: "string", format: "date-time" },
  [`${META}.FieldsV1`]: { type: "object" },
  [`${META}.Patch`]: { type: "object" },
  "io.k8s.apimachinery.pkg.runtime.RawExtension": { type: "object" },
  // Any JSON value: upstream gives it no type at all.
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": {},
};

interface ModuleCtx {
  module: string;
  prefix: string;
  /** Imported or local type name -> definition name. */
  names: Map<string, string>;
}

interface Found {
  definitions: Definitions;
  /** Every (group, version) that has kinds, for the meta types served in every group version. */
  groupVersions: Map<string, { group: string; version: string }>;
}

function listModules(dir: string, base = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listModules(dir, rel));
    else if (entry.name.endsWith(".d.ts")) out.push(rel.slice(0, -".d.ts".length));
  }
  return out.sort();
}

function jsDocText(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = docs.at(-1);
  const text = last ? ts.getTextOfJSDocComment(last.comment) : undefined;
  return text?.trim() || undefined;
}

function moduleContext(module: string, sf: ts.SourceFile): ModuleCtx {
  const prefix = prefixOf(module);
  const names = new Map<string, string>();
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(module), stmt.moduleSpecifier.text));
      const bindings = stmt.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) names.set(el.name.text, `${prefixOf(target)}.${(el.propertyName ?? el.name).text}`);
      }
    } else if ((ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) && stmt.name) {
      names.set(stmt.name.text, `${prefix}.${stmt.name.text}`);
    }
  }
  return { module, prefix, names };
}

const isStringLiteralType = (t: ts.TypeNode): t is ts.LiteralTypeNode =>
  ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal);

/** Schema for a property's type; `definition`/`field` pick integer widths. */
function typeSchema(t: ts.TypeNode, ctx: ModuleCtx, definition: string, field: string): SchemaObject {
  switch (t.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    case ts.SyntaxKind.NumberKeyword:
      return { ...numberFormat(definition, field) };
  }
  if (ts.isArrayTypeNode(t)) return { type: "array", items: typeSchema(t.elementType, ctx, definition, field) };
  if (ts.isUnionTypeNode(t)) {
    const kinds = new Set(t.types.map((m) => m.kind));
    if (kinds.size === 2 && kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword)) {
      return { $ref: `#/definitions/${INT_OR_STRING}` };
    }
    if (t.types.every(isStringLiteralType)) {
      return { type: "string", enum: t.types.map((m) => ((m as ts.LiteralTypeNode).literal as ts.StringLiteral).text) };
    }
  }
  if (isStringLiteralType(t)) return { type: "string" };
  if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) {
    const name = t.typeName.text;
    if (name === "Array" && t.typeArguments?.length === 1) {
      return { type: "array", items: typeSchema(t.typeArguments[0]!, ctx, definition, field) };
    }
    const target = ctx.names.get(name);
    if (target) return { $ref: `#/definitions/${target}` };
  }
  if (ts.isTypeLiteralNode(t) && t.members.length === 1 && ts.isIndexSignatureDeclaration(t.members[0]!)) {
    return { type: "object", additionalProperties: typeSchema(t.members[0].type, ctx, definition, field) };
  }
  throw new Error(`${ctx.module}: ${definition}.${field}: unsupported type ${ts.SyntaxKind[t.kind]}`);
}

const isRef = (s: SchemaObject | undefined): boolean => !!s?.$ref;

/** Upstream's zero-value defaults: non-pointer structs decode to {}, required scalars to their zero. */
function zeroDefault(s: SchemaObject, required: boolean, field: string): unknown {
  if (isRef(s)) {
    if (required || field === "metadata" || field === "spec" || field === "status") return {};
    return undefined;
  }
  if (!required || s.enum) return undefined;
  if (s.type === "string") return "";
  if (s.type === "integer" || s.type === "number") return 0;
  if (s.type === "boolean") return false;
  return undefined;
}

function propertySchema(p: ts.PropertySignature, ctx: ModuleCtx, definition: string): [string, SchemaObject, boolean] {
  const field = p.name.getText();
  const required = !p.questionToken;
  const typed = typeSchema(p.type!, ctx, definition, field);
  const schema: SchemaObject = {};
  const description = jsDocText(p);
  if (description) schema.description = description;
  Object.assign(schema, typed);
  // Struct items of lists and maps are values in Go, so they too default to {}.
  if (isRef(typed.items)) typed.items!.default = {};
  if (typeof typed.additionalProperties === "object" && isRef(typed.additionalProperties)) typed.additionalProperties.default = {};
  const dflt = zeroDefault(typed, required, field);
  if (dflt !== undefined) schema.default = dflt;
  return [field, schema, required];
}

/** An interface's apiVersion and kind string literals give its group/version/kind. */
function gvkOf(decl: ts.InterfaceDeclaration): { group: string; version: string; kind: string } | undefined {
  let apiVersion: string | undefined;
  let kind: string | undefined;
  for (const m of decl.members) {
    if (!ts.isPropertySignature(m) || !m.type || !isStringLiteralType(m.type)) continue;
    const value = (m.type.literal as ts.StringLiteral).text;
    if (m.name.getText() === "apiVersion") apiVersion = value;
    if (m.name.getText() === "kind") kind = value;
  }
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion, kind }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

function collect(): Found {
  const definitions: Definitions = {};
  const groupVersions = new Map<string, { group: string; version: string }>();
  for (const module of listModules(TYPES_DIR)) {
    const file = path.join(TYPES_DIR, `${module}.d.ts`);
    const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const ctx = moduleContext(module, sf);
    for (const stmt of sf.statements) {
      if (ts.isInterfaceDeclaration(stmt)) {
        const name = `${ctx.prefix}.${stmt.name.text}`;
        const def: SchemaObject = {};
        const description = jsDocText(stmt);
        if (description) def.description = description;
        const props = stmt.members.filter(ts.isPropertySignature);
        if (props.length === 0) {
          definitions[name] = { ...def, ...(SCALARS[name] ?? { type: "object" }) };
          continue;
        }
        const properties: Record<string, SchemaObject> = {};
        const required: string[] = [];
        for (const p of props) {
          const [field, schema, isRequired] = propertySchema(p, ctx, name);
          properties[field] = schema;
          if (isRequired) required.push(field);
        }
        Object.assign(def, { properties, type: "object" });
        if (required.length) def.required = required;
        const gvk = gvkOf(stmt);
        if (gvk) {
          def["x-kubernetes-group-version-kind"] = [gvk];
          if (module !== "meta/v1") groupVersions.set(`${gvk.group}/${gvk.version}`, { group: gvk.group, version: gvk.version });
        }
        definitions[name] = def;
      } else if (ts.isTypeAliasDeclaration(stmt)) {
        const name = `${ctx.prefix}.${stmt.name.text}`;
        const description = jsDocText(stmt);
        // Aliases that are unions of schema shapes (JSONSchemaPropsOrBool...) are untyped upstream.
        definitions[name] = { ...(description ? { description } : {}), ...(SCALARS[name] ?? {}) };
      }
    }
  }
  return { definitions, groupVersions };
}

/** Definitions kubernetes-types lacks but upstream's API uses. */
function addSynthetic(defs: Definitions): void {
  defs[INT_OR_STRING] = {
    description:
      "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
    type: "string",
    format: "int-or-string",
    "x-kubernetes-int-or-string": true,
  };
}

/** meta/v1 types that every group version serves (DeleteOptions in deletes, WatchEvent in watches). */
function addMetaKinds(defs: Definitions, groupVersions: Found["groupVersions"]): void {
  const gvs = [...groupVersions.values()].sort((a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version));
  for (const kind of ["DeleteOptions", "WatchEvent"]) {
    defs[`${META}.${kind}`]!["x-kubernetes-group-version-kind"] = gvs.map((gv) => ({ group: gv.group, kind, version: gv.version }));
  }
  defs[`${META}.Status`]!["x-kubernetes-group-version-kind"] = [{ group: "", kind: "Status", version: "v1" }];
}

function mustField(defs: Definitions, def: string, field: string): SchemaObject {
  const schema = defs[def]?.properties?.[field];
  if (!schema) throw new Error(`table names ${def}.${field}, which kubernetes-types does not define`);
  return schema;
}

function applyTables(defs: Definitions): void {
  for (const [def, field] of namedFormatFields()) mustField(defs, def, field);
  for (const [def, fields] of Object.entries(BYTE_FIELDS)) {
    for (const field of fields) {
      const s = mustField(defs, def, field);
      const target = typeof s.additionalProperties === "object" ? s.additionalProperties : s;
      target.format = "byte";
    }
  }
  for (const [def, fields] of Object.entries(fieldSemantics)) {
    for (const [field, semantics] of Object.entries(fields)) Object.assign(mustField(defs, def, field), semantics);
  }
  for (const [def, fields] of Object.entries(declaredDefaults)) {
    for (const [field, value] of Object.entries(fields)) mustField(defs, def, field).default = value;
  }
  for (const def of atomicStructs) {
    if (!defs[def]) throw new Error(`atomicStructs names ${def}, which kubernetes-types does not define`);
    defs[def]["x-kubernetes-map-type"] = "atomic";
  }
}

/** Sorted keys make the output stable across runs and easy to diff. */
function sorted(defs: Definitions): Definitions {
  return Object.fromEntries(Object.keys(defs).sort().map((k) => [k, defs[k]!]));
}

export function generateDefinitions(): Definitions {
  const { definitions, groupVersions } = collect();
  addSynthetic(definitions);
  addMetaKinds(definitions, groupVersions);
  applyTables(definitions);
  for (const [name, def] of Object.entries(definitions)) {
    for (const ref of JSON.stringify(def).matchAll(/"#\/definitions\/([^"]+)"/g)) {
      if (!definitions[ref[1]!]) throw new Error(`${name} refers to undefined ${ref[1]}`);
    }
  }
  return sorted(definitions);
}

if (import.meta.main) {
  const started = performance.now();
  const defs = generateDefinitions();
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(`${OUT}.tmp`, JSON.stringify(defs));
  fs.renameSync(`${OUT}.tmp`, OUT);
  const ms = (performance.now() - started).toFixed(0);
  console.error(`berth setup: wrote ${Object.keys(defs).length} OpenAPI definitions to generated/ in ${ms} ms`);
}
