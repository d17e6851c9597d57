// OpenAPI v3 as the API server serves it: /openapi/v3 lists one document per group version (plus the discovery
// endpoints), each at /openapi/v3/<path>?hash=<hash>. kubectl explain resolves a kind through the group
// version's document, and kubectl reads the PATCH parameters there to see that fieldValidation is supported.
import type { ResourceType } from "../../api/scheme.ts";
import { definitionName, definitions } from "../../api/openapi/definitions.ts";
import { cached, type Served } from "./cache.ts";
import { closure, definitionV3, type SchemaV3 } from "./schemas.ts";
import {
  API_RESOURCE_LIST, DELETE_OPTIONS, PATCH, STATUS, WATCH_EVENT,
  groupIdPart, groupVersionPaths, groupVersions, type Operation, type Param, type PathItem,
} from "./operations.ts";

export interface OpenAPIV3Document {
  openapi: "3.0.0";
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaV3>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
}

export interface OpenAPIV3Root {
  paths: Record<string, { serverRelativeURL: string }>;
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const REF = "#/components/schemas/";
const RESPONSE_TYPES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const WATCH_TYPES = [...RESPONSE_TYPES, "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"];
const PATCH_TYPES = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];

const paramV3 = (p: Param): Record<string, unknown> => ({
  name: p.name, in: p.in, description: p.description, ...(p.required ? { required: true } : {}),
  schema: { type: p.type, uniqueItems: true },
});

const content = (types: string[], def: string): Record<string, unknown> =>
  Object.fromEntries(types.map((t) => [t, { schema: { $ref: REF + def } }]));

function operationV3(op: Operation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(op.responses)) {
    responses[code] = { description: code === "201" ? "Created" : code === "202" ? "Accepted" : "OK", content: content(op.watch ? WATCH_TYPES : RESPONSE_TYPES, def) };
  }
  responses["401"] = { description: "Unauthorized" };
  return {
    tags: [op.tag],
    description: op.description,
    operationId: op.operationId,
    ...(op.params.length ? { parameters: op.params.map(paramV3) } : {}),
    ...(op.body ? { requestBody: { content: content(op.body === PATCH ? PATCH_TYPES : ["*/*"], op.body), required: op.method !== "delete" } } : {}),
    responses,
    ...(op.action ? { "x-kubernetes-action": op.action } : {}),
    ...(op.gvk ? { "x-kubernetes-group-version-kind": op.gvk } : {}),
  };
}

function pathsV3(items: PathItem[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(items.map((item) => [item.path, {
    ...Object.fromEntries(item.operations.map((op) => [op.method, operationV3(op)])),
    ...(item.params.length ? { parameters: item.params.map(paramV3) } : {}),
  }]));
}

function documentV3(items: PathItem[], roots: Iterable<string>): OpenAPIV3Document {
  const defs = definitions();
  const schemas: Record<string, SchemaV3> = {};
  for (const name of closure(defs, roots)) schemas[name] = definitionV3(name, defs[name]!);
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths: pathsV3(items),
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: "apiKey", in: "header", name: "authorization", description: "Bearer token authentication" } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** Every definition a path's operations read or write. */
function referenced(items: PathItem[]): Set<string> {
  const out = new Set<string>();
  for (const op of items.flatMap((i) => i.operations)) {
    if (op.body) out.add(op.body);
    for (const def of Object.values(op.responses)) out.add(def);
  }
  return out;
}

function buildGroupVersion(resources: readonly ResourceType[], group: string, version: string): OpenAPIV3Document {
  const items = groupVersionPaths(resources, group, version);
  // Also the kinds themselves, so explain finds a kind even where no operation returns it directly.
  const kinds = resources.filter((r) => r.group === group && r.version === version)
    .flatMap((r) => [r.kind, ...(r.verbs.includes("list") ? [r.listKind] : [])].map((k) => definitionName(group, version, k)));
  return documentV3(items, new Set([...referenced(items), ...kinds, STATUS, DELETE_OPTIONS, WATCH_EVENT, PATCH, API_RESOURCE_LIST]));
}

/** A discovery endpoint's one-operation document ("api", "apis", "apis/<group>", "version"). */
function buildDiscovery(path: string, operationId: string, description: string, def: string): OpenAPIV3Document {
  const op: Operation = { method: "get", operationId, description, params: [], responses: { "200": def }, tag: operationId };
  return documentV3([{ path, params: [], operations: [op] }], [def]);
}

/** Document key ("api/v1", "apis/apps/v1", "apis/apps", "api", "apis", "version") -> builder. */
function builders(resources: readonly ResourceType[]): Map<string, () => OpenAPIV3Document> {
  const out = new Map<string, () => OpenAPIV3Document>();
  out.set("api", () => buildDiscovery("/api/", "getCoreAPIVersions", "get available API versions", `${META}.APIVersions`));
  out.set("apis", () => buildDiscovery("/apis/", "getAPIVersions", "get available API versions", `${META}.APIGroupList`));
  out.set("version", () => buildDiscovery("/version/", "getCodeVersion", "get the code version", "io.k8s.apimachinery.pkg.version.Info"));
  for (const { group, version } of groupVersions(resources)) {
    out.set(group ? `apis/${group}/${version}` : `api/${version}`, () => buildGroupVersion(resources, group, version));
    if (group && !out.has(`apis/${group}`)) {
      const id = `get${groupIdPart(group)}APIGroup`;
      out.set(`apis/${group}`, () => buildDiscovery(`/apis/${group}/`, id, "get information of a group", `${META}.APIGroup`));
    }
  }
  return out;
}

const builderCache = new WeakMap<readonly ResourceType[], Map<string, () => OpenAPIV3Document>>();
function buildersOf(resources: readonly ResourceType[]): Map<string, () => OpenAPIV3Document> {
  let b = builderCache.get(resources);
  if (!b) builderCache.set(resources, (b = builders(resources)));
  return b;
}

/** The document at /openapi/v3/<path> (path without the leading slash), or undefined if none is served there. */
export function openapiV3Document(resources: readonly ResourceType[], path: string): { doc: OpenAPIV3Document; served: Served } | undefined {
  const build = buildersOf(resources).get(path);
  return build ? cached(resources, `v3:${path}`, build) : undefined;
}

export function openapiV3GroupVersion(resources: readonly ResourceType[], group: string, version: string): OpenAPIV3Document {
  const doc = openapiV3Document(resources, group ? `apis/${group}/${version}` : `api/${version}`);
  if (!doc) throw new Error(`no resources served in ${group || "core"}/${version}`);
  return doc.doc;
}

export function openapiV3Root(resources: readonly ResourceType[]): OpenAPIV3Root {
  return openapiV3RootServed(resources).doc;
}

function openapiV3RootServed(resources: readonly ResourceType[]): { doc: OpenAPIV3Root; served: Served } {
  return cached(resources, "v3:", () => {
    const paths: OpenAPIV3Root["paths"] = {};
    for (const key of [...buildersOf(resources).keys()].sort()) {
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${openapiV3Document(resources, key)!.served.hash}` };
    }
    return { paths };
  });
}

/** Bytes for GET /openapi/v3. */
export function openapiV3RootBody(resources: readonly ResourceType[]): { body: Buffer; etag: string } {
  const { body, etag } = openapiV3RootServed(resources).served;
  return { body, etag };
}

/** Bytes for GET /openapi/v3/<path>; undefined answers 404. */
export function openapiV3DocumentBody(resources: readonly ResourceType[], path: string): { body: Buffer; etag: string } | undefined {
  const hit = openapiV3Document(resources, path);
  return hit && { body: hit.served.body, etag: hit.served.etag };
}
