import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { resourceTypes } from "../../api/resources.ts";
import type { ResourceType } from "../../api/scheme.ts";
import { openapiV3DocumentBody, openapiV3GroupVersion, openapiV3Root, openapiV3RootBody } from "./v3.ts";
import { openapiV2, openapiV2Body } from "./v2.ts";
import { schemaV3 } from "./schemas.ts";

/** Every "$ref" in a document, with the JSON path it sits at. */
function refs(doc: unknown, at = "$"): [string, string][] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => refs(v, `${at}[${i}]`));
  if (!doc || typeof doc !== "object") return [];
  // A string "$ref" is a reference; JSONSchemaProps also has a *property* named "$ref" (an object).
  return Object.entries(doc).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [[at, v] as [string, string]] : refs(v, `${at}.${k}`)));
}

test("v3 root lists every group version and the discovery documents, with the served document's hash", () => {
  const root = openapiV3Root(resourceTypes);
  for (const key of ["api/v1", "apis/apps/v1", "apis/rbac.authorization.k8s.io/v1", "apis/apps", "api", "apis", "version"]) {
    assert.ok(root.paths[key], key);
  }
  const url = root.paths["apis/apps/v1"]!.serverRelativeURL;
  const served = openapiV3DocumentBody(resourceTypes, "apis/apps/v1")!;
  const hash = createHash("sha512").update(served.body).digest("hex").toUpperCase();
  assert.equal(url, `/openapi/v3/apis/apps/v1?hash=${hash}`);
  assert.equal(served.etag, `"${hash}"`);
  assert.deepEqual(JSON.parse(openapiV3RootBody(resourceTypes).body.toString()), root);
  assert.equal(openapiV3DocumentBody(resourceTypes, "apis/nope/v1"), undefined);
});

test("documents are built once and cached with their bytes", () => {
  assert.equal(openapiV3GroupVersion(resourceTypes, "apps", "v1"), openapiV3GroupVersion(resourceTypes, "apps", "v1"));
  assert.equal(openapiV3DocumentBody(resourceTypes, "api/v1")!.body, openapiV3DocumentBody(resourceTypes, "api/v1")!.body);
  assert.equal(openapiV2Body(resourceTypes).body, openapiV2Body(resourceTypes).body);
});

test("v3 group version documents are structurally valid: refs resolve into components, allOf wraps described refs", () => {
  for (const key of Object.keys(openapiV3Root(resourceTypes).paths)) {
    const doc = JSON.parse(openapiV3DocumentBody(resourceTypes, key)!.body.toString());
    assert.equal(doc.openapi, "3.0.0");
    for (const [at, ref] of refs(doc)) {
      assert.match(ref, /^#\/components\/schemas\//, `${key} ${at}`);
      assert.ok(doc.components.schemas[ref.slice("#/components/schemas/".length)], `${key} ${at} -> ${ref}`);
    }
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (method === "parameters") continue;
        assert.ok(["get", "put", "post", "patch", "delete"].includes(method), `${path} ${method}`);
        assert.ok(op.operationId && op.responses["200"], `${path} ${method}`);
      }
    }
  }
  const apps = openapiV3GroupVersion(resourceTypes, "apps", "v1");
  const spec = apps.components.schemas["io.k8s.api.apps.v1.DeploymentSpec"]!;
  assert.deepEqual(spec.properties!.template, {
    allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec" }],
    description: spec.properties!.template!.description,
    default: {},
  });
  assert.deepEqual(spec.properties!.replicas!.type, "integer");
  const gvk = apps.components.schemas["io.k8s.api.apps.v1.Deployment"]!["x-kubernetes-group-version-kind"];
  assert.deepEqual(gvk, [{ group: "apps", version: "v1", kind: "Deployment" }]);
  const quantity = apps.components.schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]!;
  assert.deepEqual(quantity.oneOf, [{ type: "string" }, { type: "number" }]);
  // Scale for the scale subresource comes along; unrelated groups' kinds do not.
  assert.ok(apps.components.schemas["io.k8s.api.autoscaling.v1.Scale"]);
  assert.equal(apps.components.schemas["io.k8s.api.batch.v1.Job"], undefined);
});

test("operations carry upstream's actions, kinds and parameters", () => {
  const paths = openapiV3GroupVersion(resourceTypes, "apps", "v1").paths as Record<string, any>;
  const item = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
  const names = (op: any) => op.parameters.map((p: any) => p.name).sort();
  assert.deepEqual(names(item.patch), ["dryRun", "fieldManager", "fieldValidation", "force"]);
  assert.deepEqual(item.patch["x-kubernetes-group-version-kind"], { group: "apps", version: "v1", kind: "Deployment" });
  assert.equal(item.patch["x-kubernetes-action"], "patch");
  assert.deepEqual(Object.keys(item.patch.requestBody.content).sort(), [
    "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json",
  ]);
  assert.deepEqual(names(item.put), ["dryRun", "fieldManager", "fieldValidation"]);
  assert.deepEqual(item.parameters.map((p: any) => p.name), ["name", "namespace", "pretty"]);
  const list = paths["/apis/apps/v1/namespaces/{namespace}/deployments"];
  assert.deepEqual(names(list.get), ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
    "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"]);
  assert.equal(list.get.operationId, "listAppsV1NamespacedDeployment");
  assert.equal(list.delete["x-kubernetes-action"], "deletecollection");
  assert.deepEqual(names(list.post), ["dryRun", "fieldManager", "fieldValidation"]);
  const scale = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
  assert.deepEqual(scale.put["x-kubernetes-group-version-kind"], { group: "autoscaling", version: "v1", kind: "Scale" });
  assert.ok(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"].patch);
  assert.ok(paths["/apis/apps/v1/deployments"].get, "list across namespaces");
  assert.ok(paths["/apis/apps/v1/watch/namespaces/{namespace}/deployments"].get);
  // Cluster-scoped kinds have no namespace segment; create-only reviews have only POST.
  const core = openapiV3GroupVersion(resourceTypes, "", "v1").paths as Record<string, any>;
  assert.equal(core["/api/v1/nodes/{name}"].get.operationId, "readCoreV1Node");
  const reviews = openapiV3GroupVersion(resourceTypes, "authorization.k8s.io", "v1").paths as Record<string, any>;
  assert.deepEqual(Object.keys(reviews["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]).sort(), ["parameters", "post"]);
  assert.equal(reviews["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/{name}"], undefined);
});

test("a resource list of its own gets its own documents", () => {
  const only: ResourceType[] = resourceTypes.filter((r) => r.group === "coordination.k8s.io");
  assert.deepEqual(Object.keys(openapiV3Root(only).paths).sort(), ["api", "apis", "apis/coordination.k8s.io", "apis/coordination.k8s.io/v1", "version"]);
  assert.ok(!Object.keys(openapiV2(only).paths).some((p) => p.startsWith("/api/v1")));
});

test("v2 document: swagger paths with body parameters and every definition they use", () => {
  const doc = openapiV2(resourceTypes);
  assert.equal(doc.swagger, "2.0");
  const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!.patch as any;
  assert.deepEqual(patch.parameters[0], { name: "body", in: "body", required: true, schema: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" } });
  assert.ok(patch.parameters.some((p: any) => p.name === "fieldValidation" && p.in === "query"));
  for (const [at, ref] of refs(doc)) assert.ok(doc.definitions[ref.slice("#/definitions/".length)], `${at} -> ${ref}`);
  assert.ok(doc.definitions["io.k8s.api.core.v1.PodSpec"]);
});

test("schemaV3 keeps bare refs bare and wraps refs that have siblings", () => {
  assert.deepEqual(schemaV3({ $ref: "#/definitions/a.B" }), { $ref: "#/components/schemas/a.B" });
  assert.deepEqual(schemaV3({ type: "array", items: { $ref: "#/definitions/a.B", default: {} } }),
    { type: "array", items: { allOf: [{ $ref: "#/components/schemas/a.B" }], default: {} } });
});
