import { test } from "node:test";
import assert from "node:assert/strict";
import { definitionName, definitions } from "./definitions.ts";
import { atomicStructs, fieldSemantics } from "./list-semantics.ts";

const defs = definitions();
const prop = (def: string, field: string) => {
  const s = defs[def]?.properties?.[field];
  assert.ok(s, `${def}.${field} missing`);
  return s;
};

test("definitionName maps groups to upstream's package names", () => {
  assert.equal(definitionName("apps", "v1", "Deployment"), "io.k8s.api.apps.v1.Deployment");
  assert.equal(definitionName("", "v1", "Pod"), "io.k8s.api.core.v1.Pod");
  assert.equal(definitionName("rbac.authorization.k8s.io", "v1", "Role"), "io.k8s.api.rbac.v1.Role");
  assert.equal(definitionName("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition");
  for (const [g, v, k] of [["apps", "v1", "Deployment"], ["networking.k8s.io", "v1", "Ingress"], ["coordination.k8s.io", "v1", "Lease"]]) {
    assert.ok(defs[definitionName(g!, v!, k!)], `${g}/${v} ${k} has a definition`);
  }
});

test("DeploymentSpec: integers, refs, required and descriptions come from kubernetes-types", () => {
  const spec = defs["io.k8s.api.apps.v1.DeploymentSpec"]!;
  assert.deepEqual(spec.required, ["selector", "template"]);
  assert.equal(prop("io.k8s.api.apps.v1.DeploymentSpec", "replicas").type, "integer");
  assert.equal(prop("io.k8s.api.apps.v1.DeploymentSpec", "replicas").format, "int32");
  assert.match(prop("io.k8s.api.apps.v1.DeploymentSpec", "replicas").description!, /Number of desired pods/);
  assert.equal(prop("io.k8s.api.apps.v1.DeploymentSpec", "template").$ref, "#/definitions/io.k8s.api.core.v1.PodTemplateSpec");
  assert.deepEqual(prop("io.k8s.api.apps.v1.DeploymentSpec", "template").default, {});
  assert.equal(prop("io.k8s.api.apps.v1.DeploymentSpec", "strategy")["x-kubernetes-patch-strategy"], "retainKeys");
});

test("int64 fields follow upstream, with exceptions", () => {
  assert.equal(prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "generation").format, "int64");
  assert.equal(prop("io.k8s.api.core.v1.PodSpec", "terminationGracePeriodSeconds").format, "int64");
  assert.equal(prop("io.k8s.api.core.v1.PodSpec", "activeDeadlineSeconds").format, "int64");
  assert.equal(prop("io.k8s.api.core.v1.PodSecurityContext", "supplementalGroups").items!.format, "int64");
  assert.equal(prop("io.k8s.api.certificates.v1.CertificateSigningRequestSpec", "expirationSeconds").format, "int32");
  assert.equal(prop("io.k8s.api.core.v1.Probe", "periodSeconds").format, "int32");
  assert.equal(prop("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "maximum").type, "number");
});

test("special scalars: Quantity, IntOrString, Time, byte strings, maps", () => {
  assert.equal(defs["io.k8s.apimachinery.pkg.api.resource.Quantity"]!.type, "string");
  const ios = defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!;
  assert.equal(ios.format, "int-or-string");
  assert.equal(ios["x-kubernetes-int-or-string"], true);
  assert.equal(defs["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]!.format, "date-time");
  assert.equal(prop("io.k8s.api.apps.v1.RollingUpdateDeployment", "maxSurge").$ref, "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString");
  assert.equal(prop("io.k8s.api.core.v1.ResourceRequirements", "limits").additionalProperties && (prop("io.k8s.api.core.v1.ResourceRequirements", "limits").additionalProperties as any).$ref,
    "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity");
  assert.deepEqual(prop("io.k8s.api.core.v1.Secret", "data").additionalProperties, { type: "string", format: "byte" });
  assert.deepEqual(prop("io.k8s.api.core.v1.ConfigMap", "data").additionalProperties, { type: "string" });
  // Literal apiVersion/kind are plain strings, not one-value enums.
  assert.deepEqual(Object.keys(prop("io.k8s.api.apps.v1.Deployment", "kind")).sort(), ["description", "type"]);
});

test("list semantics from the table are merged in", () => {
  const containers = prop("io.k8s.api.core.v1.PodSpec", "containers");
  assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
  assert.equal(containers["x-kubernetes-patch-strategy"], "merge");
  assert.equal(containers["x-kubernetes-list-type"], "map");
  assert.deepEqual(containers["x-kubernetes-list-map-keys"], ["name"]);
  assert.deepEqual(prop("io.k8s.api.core.v1.Container", "ports")["x-kubernetes-list-map-keys"], ["containerPort", "protocol"]);
  assert.equal(prop("io.k8s.api.core.v1.PodSpec", "volumes")["x-kubernetes-patch-strategy"], "merge,retainKeys");
  assert.equal(prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers")["x-kubernetes-list-type"], "set");
  assert.equal(prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "ownerReferences")["x-kubernetes-patch-merge-key"], "uid");
  assert.deepEqual(prop("io.k8s.api.core.v1.ServiceSpec", "ports")["x-kubernetes-list-map-keys"], ["port", "protocol"]);
  assert.equal(defs["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]!["x-kubernetes-map-type"], "atomic");
  // Every table entry landed on a real field (the generator also refuses unknown ones).
  for (const [def, fields] of Object.entries(fieldSemantics)) {
    for (const [field, sem] of Object.entries(fields)) {
      for (const [k, v] of Object.entries(sem)) assert.deepEqual((prop(def, field) as any)[k], v, `${def}.${field} ${k}`);
    }
  }
  for (const def of atomicStructs) assert.equal(defs[def]!["x-kubernetes-map-type"], "atomic");
});

test("group-version-kind on kinds, lists, and the meta types every group serves", () => {
  assert.deepEqual(defs["io.k8s.api.apps.v1.Deployment"]!["x-kubernetes-group-version-kind"], [{ group: "apps", version: "v1", kind: "Deployment" }]);
  assert.deepEqual(defs["io.k8s.api.core.v1.PodList"]!["x-kubernetes-group-version-kind"], [{ group: "", version: "v1", kind: "PodList" }]);
  assert.deepEqual(defs["io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler"]!["x-kubernetes-group-version-kind"],
    [{ group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler" }]);
  const deleteGVKs = defs["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"]!["x-kubernetes-group-version-kind"]!;
  assert.ok(deleteGVKs.some((g) => g.group === "apps" && g.version === "v1"));
  assert.ok(deleteGVKs.some((g) => g.group === "" && g.version === "v1"));
  assert.deepEqual(defs["io.k8s.apimachinery.pkg.apis.meta.v1.Status"]!["x-kubernetes-group-version-kind"], [{ group: "", kind: "Status", version: "v1" }]);
});

test("every $ref resolves", () => {
  for (const [name, def] of Object.entries(defs)) {
    for (const m of JSON.stringify(def).matchAll(/"#\/definitions\/([^"]+)"/g)) assert.ok(defs[m[1]!], `${name} -> ${m[1]}`);
  }
});
