// OpenAPI v2 (/openapi/v2): one Swagger document for every served group version, with all the definitions
// they use. Older clients and tools read it; kubectl 1.32 prefers v3, but its client-side schema validation
// reads this document, as protobuf (v2-protobuf.ts).
import type { ResourceType } from "../../api/scheme.ts";
import type { Definitions } from "../../api/openapi/types.ts";
import { definitionName, definitions } from "../../api/openapi/definitions.ts";
import { cached } from "./cache.ts";
import { closure } from "./schemas.ts";
import { openapiV2Protobuf } from "./v2-protobuf.ts";
import {
  API_RESOURCE_LIST, DELETE_OPTIONS, PATCH, STATUS, WATCH_EVENT,
  groupVersionPaths, groupVersions, type Operation, type Param,
} from "./operations.ts";

export interface OpenAPIV2Document {
  swagger: "2.0";
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Definitions;
  securityDefinitions: Record<string, unknown>;
  security: Record<string, string[]>[];
}

const PRODUCES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const WATCH_PRODUCES = [...PRODUCES, "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"];
const PATCH_CONSUMES = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];

const paramV2 = (p: Param): Record<string, unknown> => ({
  name: p.name, in: p.in, description: p.description, type: p.type, uniqueItems: true, ...(p.required ? { required: true } : {}),
});

function operationV2(op: Operation): Record<string, unknown> {
  const params = op.params.map(paramV2);
  if (op.body) params.unshift({ name: "body", in: "body", required: op.method !== "delete", schema: { $ref: `#/definitions/${op.body}` } });
  const responses: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(op.responses)) {
    responses[code] = { description: code === "201" ? "Created" : code === "202" ? "Accepted" : "OK", schema: { $ref: `#/definitions/${def}` } };
  }
  responses["401"] = { description: "Unauthorized" };
  return {
    description: op.description,
    consumes: op.body === PATCH ? PATCH_CONSUMES : ["*/*"],
    produces: op.watch ? WATCH_PRODUCES : PRODUCES,
    schemes: ["https"],
    tags: [op.tag],
    operationId: op.operationId,
    ...(params.length ? { parameters: params } : {}),
    responses,
    ...(op.action ? { "x-kubernetes-action": op.action } : {}),
    ...(op.gvk ? { "x-kubernetes-group-version-kind": op.gvk } : {}),
  };
}

function build(resources: readonly ResourceType[]): OpenAPIV2Document {
  const paths: OpenAPIV2Document["paths"] = {};
  const roots = new Set([STATUS, DELETE_OPTIONS, WATCH_EVENT, PATCH, API_RESOURCE_LIST]);
  for (const { group, version } of groupVersions(resources)) {
    for (const item of groupVersionPaths(resources, group, version)) {
      paths[item.path] = {
        ...Object.fromEntries(item.operations.map((op) => [op.method, operationV2(op)])),
        ...(item.params.length ? { parameters: item.params.map(paramV2) } : {}),
      };
      for (const op of item.operations) {
        if (op.body) roots.add(op.body);
        for (const def of Object.values(op.responses)) roots.add(def);
      }
    }
  }
  for (const r of resources) roots.add(definitionName(r.group, r.version, r.kind));
  const all = definitions();
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths,
    definitions: Object.fromEntries(closure(all, roots).map((name) => [name, all[name]!])),
    securityDefinitions: { BearerToken: { type: "apiKey", in: "header", name: "authorization", description: "Bearer token authentication" } },
    security: [{ BearerToken: [] }],
  };
}

export function openapiV2(resources: readonly ResourceType[]): OpenAPIV2Document {
  return cached(resources, "v2", () => build(resources)).doc;
}

/** JSON bytes for GET /openapi/v2. */
export function openapiV2Body(resources: readonly ResourceType[]): { body: Buffer; etag: string } {
  const { body, etag } = cached(resources, "v2", () => build(resources)).served;
  return { body, etag };
}

/** Bytes for GET /openapi/v2 asked for as application/com.github.proto-openapi.spec.v2@v1.0+protobuf:
 * the same document as gnostic's openapi.v2.Document, with its own ETag. */
export function openapiV2ProtobufBody(resources: readonly ResourceType[]): { body: Buffer; etag: string } {
  const { body, etag } = cached(resources, "v2-protobuf", () => openapiV2(resources), openapiV2Protobuf).served;
  return { body, etag };
}
