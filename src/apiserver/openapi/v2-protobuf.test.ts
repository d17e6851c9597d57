import { test } from "node:test";
import assert from "node:assert/strict";
import { resourceTypes } from "../../api/resources.ts";
import { WireReader } from "../protobuf/wire.ts";
import { openapiV2, openapiV2Body, openapiV2ProtobufBody } from "./v2.ts";
import { openapiV2Protobuf } from "./v2-protobuf.ts";
import { wantsV2Protobuf } from "../handlers/openapi.ts";

// Field numbers written out by hand from gnostic's OpenAPIv2.proto, independent of the generated table, so
// a wrong table fails here rather than agreeing with itself.
const DOCUMENT = { swagger: 1, info: 2, paths: 8, definitions: 9, security: 12, securityDefinitions: 13 };
const INFO = { title: 1, version: 2 };
const NAMED = { name: 1, value: 2 };
const SCHEMA = { ref: 1, format: 2, description: 4, default: 5, required: 19, additionalProperties: 21, type: 22, items: 23, properties: 25, vendorExtension: 31 };
const ANY_YAML = 2;
const PATH_ITEM = { get: 2, post: 4, parameters: 9 };
const OPERATION = { tags: 1, operationId: 5, parameters: 8, responses: 9, vendorExtension: 13 };

/** A message's fields by number: varints as numbers, length-delimited values as byte ranges. */
function fields(buf: Buffer): Map<number, (number | Buffer)[]> {
  const out = new Map<number, (number | Buffer)[]>();
  const r = new WireReader(buf);
  while (!r.done()) {
    const tag = r.varint();
    const no = Math.floor(tag / 8);
    let v: number | Buffer;
    if ((tag & 7) === 0) v = r.varint();
    else if ((tag & 7) === 2) v = buf.subarray(...r.delimited());
    else throw new Error(`unexpected wire type ${tag & 7}`);
    out.set(no, [...(out.get(no) ?? []), v]);
  }
  return out;
}
const all = (m: Map<number, (number | Buffer)[]>, no: number): Buffer[] => (m.get(no) ?? []) as Buffer[];
const one = (m: Map<number, (number | Buffer)[]>, no: number): Buffer => {
  const v = all(m, no);
  assert.equal(v.length, 1, `field ${no}`);
  return v[0]!;
};
const text = (m: Map<number, (number | Buffer)[]>, no: number): string => one(m, no).toString("utf8");
/** Named entries (NamedSchema, NamedAny, NamedPathItem...) in field `no` of a message, by name. */
function named(m: Map<number, (number | Buffer)[]>, no: number): Map<string, Map<number, (number | Buffer)[]>> {
  return new Map(all(m, no).map((b) => {
    const e = fields(b);
    return [text(e, NAMED.name), fields(one(e, NAMED.value))];
  }));
}
const extensionsOf = (m: Map<number, (number | Buffer)[]>, no: number): Record<string, unknown> =>
  Object.fromEntries([...named(m, no)].map(([k, v]) => [k, JSON.parse(text(v, ANY_YAML))]));

const doc = openapiV2(resourceTypes);
const pb = fields(openapiV2Protobuf(doc));

test("document header: swagger, info title and version", () => {
  assert.equal(text(pb, DOCUMENT.swagger), "2.0");
  const info = fields(one(pb, DOCUMENT.info));
  assert.equal(text(info, INFO.title), "Kubernetes");
  assert.equal(text(info, INFO.version), "unversioned");
});

test("definitions: every one present; Deployment carries its GVK, properties, $ref and required", () => {
  const defs = named(fields(one(pb, DOCUMENT.definitions)), 1);
  assert.deepEqual([...defs.keys()], Object.keys(doc.definitions));
  const dep = defs.get("io.k8s.api.apps.v1.Deployment")!;
  assert.deepEqual(extensionsOf(dep, SCHEMA.vendorExtension), {
    "x-kubernetes-group-version-kind": [{ group: "apps", kind: "Deployment", version: "v1" }],
  });
  assert.deepEqual(all(fields(one(dep, SCHEMA.type)), 1).map(String), ["object"]);
  const props = named(fields(one(dep, SCHEMA.properties)), 1);
  assert.deepEqual([...props.keys()].sort(), ["apiVersion", "kind", "metadata", "spec", "status"]);
  assert.equal(text(props.get("spec")!, SCHEMA.ref), "#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
  assert.ok(text(props.get("kind")!, SCHEMA.description).length > 0);

  const spec = defs.get("io.k8s.api.apps.v1.DeploymentSpec")!;
  assert.deepEqual(all(spec, SCHEMA.required).map(String).sort(), [...doc.definitions["io.k8s.api.apps.v1.DeploymentSpec"]!.required!].sort());
  const specProps = named(fields(one(spec, SCHEMA.properties)), 1);
  const replicas = specProps.get("replicas")!;
  assert.equal(text(replicas, SCHEMA.format), "int32");
  assert.deepEqual(all(fields(one(replicas, SCHEMA.type)), 1).map(String), ["integer"]);
});

test("items, additionalProperties, defaults and list extensions of a schema", () => {
  const defs = named(fields(one(pb, DOCUMENT.definitions)), 1);
  const podSpec = named(fields(one(defs.get("io.k8s.api.core.v1.PodSpec")!, SCHEMA.properties)), 1);
  const containers = podSpec.get("containers")!;
  const items = all(fields(one(containers, SCHEMA.items)), 1);
  assert.equal(items.length, 1);
  assert.equal(text(fields(items[0]!), SCHEMA.ref), "#/definitions/io.k8s.api.core.v1.Container");
  const ext = extensionsOf(containers, SCHEMA.vendorExtension);
  assert.equal(ext["x-kubernetes-patch-merge-key"], "name");
  assert.equal(ext["x-kubernetes-list-type"], "map");
  assert.deepEqual(ext["x-kubernetes-list-map-keys"], ["name"]);
  // nodeSelector: map of strings, additionalProperties {schema}
  const ap = fields(one(podSpec.get("nodeSelector")!, SCHEMA.additionalProperties));
  const value = fields(one(ap, 1));
  assert.deepEqual(all(fields(one(value, SCHEMA.type)), 1).map(String), ["string"]);
  // a default carried as YAML text of the value
  const withDefault = Object.entries(doc.definitions).flatMap(([n, d]) =>
    Object.entries(d.properties ?? {}).filter(([, p]) => p.default !== undefined).map(([p, s]) => [n, p, s.default] as const))[0]!;
  const prop = named(fields(one(defs.get(withDefault[0])!, SCHEMA.properties)), 1).get(withDefault[1])!;
  assert.deepEqual(JSON.parse(text(fields(one(prop, SCHEMA.default)), ANY_YAML)), withDefault[2]);
});

test("paths: a GET with its operation id, GVK and action, and a POST with a body parameter", () => {
  const paths = named(fields(one(pb, DOCUMENT.paths)), 2);
  assert.deepEqual([...paths.keys()], Object.keys(doc.paths));
  const item = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")!;
  const get = fields(one(item, PATH_ITEM.get));
  assert.equal(text(get, OPERATION.operationId), "readAppsV1NamespacedDeployment");
  assert.deepEqual(all(get, OPERATION.tags).map(String), ["apps_v1"]);
  assert.deepEqual(extensionsOf(get, OPERATION.vendorExtension), {
    "x-kubernetes-action": "get",
    "x-kubernetes-group-version-kind": { group: "apps", kind: "Deployment", version: "v1" },
  });
  const codes = named(fields(one(get, OPERATION.responses)), 1);
  assert.deepEqual([...codes.keys()].sort(), ["200", "401"]);
  // path-level parameters: name and namespace as path parameters (ParametersItem.parameter.non_body.path)
  const pathParams = all(item, PATH_ITEM.parameters).map((b) => fields(one(fields(one(fields(b), 1)), 2)));
  assert.ok(pathParams.some((nb) => nb.has(4) && text(fields(one(nb, 4)), 4) === "namespace"));

  const post = fields(one(paths.get("/apis/authentication.k8s.io/v1/tokenreviews")!, PATH_ITEM.post));
  const body = all(post, OPERATION.parameters).map((b) => fields(one(fields(b), 1))).find((p) => p.has(1))!;
  const bodyParam = fields(one(body, 1));
  assert.equal(text(bodyParam, 2), "body");
  assert.equal(text(bodyParam, 3), "body");
  assert.equal(text(fields(one(bodyParam, 5)), SCHEMA.ref), "#/definitions/io.k8s.api.authentication.v1.TokenReview");
});

test("security: BearerToken api key definition and requirement", () => {
  const defs = named(fields(one(pb, DOCUMENT.securityDefinitions)), 1);
  const apiKey = fields(one(defs.get("BearerToken")!, 2));
  assert.equal(text(apiKey, 1), "apiKey");
  assert.equal(text(apiKey, 3), "header");
  const req = named(fields(one(pb, DOCUMENT.security)), 1);
  assert.ok(req.has("BearerToken"));
});

test("served bytes are cached with their own ETag, distinct from the JSON's", () => {
  const a = openapiV2ProtobufBody(resourceTypes);
  assert.equal(openapiV2ProtobufBody(resourceTypes).body, a.body);
  assert.notEqual(a.etag, openapiV2Body(resourceTypes).etag);
  assert.deepEqual(a.body, openapiV2Protobuf(doc));
});

test("Accept negotiation for /openapi/v2", () => {
  assert.equal(wantsV2Protobuf("application/com.github.proto-openapi.spec.v2@v1.0+protobuf"), true);
  assert.equal(wantsV2Protobuf("application/com.github.proto-openapi.spec.v2.v1.0+protobuf"), true);
  assert.equal(wantsV2Protobuf("application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json"), true);
  assert.equal(wantsV2Protobuf("application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf"), false);
  assert.equal(wantsV2Protobuf("application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0, */*"), false);
  assert.equal(wantsV2Protobuf("application/json"), false);
  assert.equal(wantsV2Protobuf(undefined), false);
});
