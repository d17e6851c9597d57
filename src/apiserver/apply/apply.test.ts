import { test } from "node:test";
import assert from "node:assert/strict";
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1";
import { StatusError } from "../../api/errors.ts";
import { requireApplyManager, serverSideApply, type ServerSideApplyOptions } from "./apply.ts";
import { updateManagedFields } from "./update.ts";
import { deployment, deploymentSchema } from "./testdata.ts";

const T0 = "2025-01-01T00:00:00Z";
const T1 = "2025-01-01T00:01:00Z";
const T2 = "2025-01-01T00:02:00Z";

function apply(live: any, applied: any, manager = "kubectl", extra: Partial<ServerSideApplyOptions> = {}): any {
  return serverSideApply({ live, applied, manager, force: false, apiVersion: "apps/v1", time: T1, schema: deploymentSchema, ...extra }).object;
}

/** A non-apply write, as the registry would record it. */
function write(old: any, updated: any, manager: string, extra: { subresource?: string; time?: string } = {}): any {
  const out = structuredClone(updated);
  out.metadata.managedFields = updateManagedFields({ old, updated, manager, apiVersion: "apps/v1", time: extra.time ?? T1, schema: deploymentSchema, subresource: extra.subresource });
  return out;
}

const entries = (obj: any): ManagedFieldsEntry[] => obj.metadata.managedFields ?? [];
const entry = (obj: any, manager: string, operation = "Apply") =>
  entries(obj).find((e) => e.manager === manager && e.operation === operation);

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail("expected a StatusError");
}

/** What `kubectl scale deployment/web --replicas=n` does: an Update through the scale subresource. */
function kubectlScale(obj: any, replicas: number): any {
  const next = structuredClone(obj);
  next.spec.replicas = replicas;
  return write(obj, next, "kubectl", { subresource: "scale", time: T2 });
}

test("the first apply creates the object and records the applier's fields", () => {
  const res = serverSideApply({ live: undefined, applied: deployment({ replicas: 3 }), manager: "kubectl", force: false, apiVersion: "apps/v1", time: T0, schema: deploymentSchema });
  assert.equal(res.created, true);
  assert.equal((res.object as any).spec.replicas, 3);
  assert.deepEqual(entries(res.object), [{
    manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: T0, fieldsType: "FieldsV1",
    fieldsV1: {
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": {
        "f:replicas": {}, "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } } },
        },
      },
    },
  }]);
});

test("kubectl apply --server-side, kubectl scale, apply with other replicas: conflict worded as upstream", () => {
  const v1 = apply(undefined, deployment({ replicas: 3 }));
  const scaled = kubectlScale(v1, 5);
  assert.deepEqual(entry(scaled, "kubectl", "Update")!.fieldsV1, { "f:spec": { "f:replicas": {} } });
  assert.ok(!(entry(scaled, "kubectl")!.fieldsV1 as any)["f:spec"]["f:replicas"], "scale took replicas from the applier");

  const err = statusOf(() => apply(scaled, deployment({ replicas: 3 })));
  assert.equal(err.code, 409);
  assert.equal(err.reason, "Conflict");
  assert.equal(err.status.message, `Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas`);
  assert.deepEqual(err.status.details?.causes, [{ reason: "FieldManagerConflict", message: `conflict with "kubectl" with subresource "scale" using apps/v1`, field: ".spec.replicas" }]);

  // Applying without replicas gives the field up instead: no conflict, and the scaled value stays.
  const relinquished = apply(scaled, deployment());
  assert.equal(relinquished.spec.replicas, 5);
});

test("--force-conflicts takes the field and the loser's emptied entry disappears", () => {
  const scaled = kubectlScale(apply(undefined, deployment({ replicas: 3 })), 5);
  const forced = apply(scaled, deployment({ replicas: 3 }), "kubectl", { force: true, time: T2 });
  assert.equal(forced.spec.replicas, 3);
  assert.equal(entry(forced, "kubectl", "Update"), undefined);
  assert.ok((entry(forced, "kubectl")!.fieldsV1 as any)["f:spec"]["f:replicas"]);
});

test("a conflict with an Update manager names it with its apiVersion; several conflicts are listed per manager", () => {
  const csa = write(undefined, deployment({ replicas: 2, labels: { app: "web", team: "a" } }), "kubectl-client-side-apply");
  const labeled = write(csa, { ...structuredClone(csa), metadata: { ...structuredClone(csa.metadata), labels: { app: "web", team: "a", tier: "x" } } }, "labeler");
  const one = statusOf(() => apply(labeled, deployment({ replicas: 4 }), "ci"));
  assert.equal(one.status.message, `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`);

  const two = statusOf(() => apply(labeled, deployment({ replicas: 4, image: "nginx:2", labels: { app: "web", tier: "y" } }), "ci"));
  assert.equal(two.status.message, [
    `Apply failed with 3 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:`,
    `- .spec.replicas`,
    `- .spec.template.spec.containers[name="nginx"].image`,
    `conflicts with "labeler" using apps/v1:`,
    `- .metadata.labels.tier`,
  ].join("\n"));
  assert.deepEqual(two.status.details?.causes?.map((c) => c.field), [".spec.replicas", '.spec.template.spec.containers[name="nginx"].image', ".metadata.labels.tier"]);
});

test("applying the value another manager set shares the field without a conflict", () => {
  const scaled = kubectlScale(apply(undefined, deployment()), 5);
  const shared = apply(scaled, deployment({ replicas: 5 }), "ci");
  assert.ok((entry(shared, "ci")!.fieldsV1 as any)["f:spec"]["f:replicas"]);
  assert.deepEqual(entry(shared, "kubectl", "Update")!.fieldsV1, { "f:spec": { "f:replicas": {} } });
  // Once shared, the other owner dropping it does not remove the field.
  const next = structuredClone(shared);
  assert.equal(apply(next, deployment(), "ci").spec.replicas, 5);
});

test("a field the applier stops applying is removed unless someone else owns it", () => {
  const v1 = apply(undefined, deployment({ labels: { app: "web", tier: "front", env: "prod" } }));
  const other = apply(v1, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { env: "prod" } } }, "ops");
  const v2 = apply(other, deployment({ labels: { app: "web" } }));
  assert.deepEqual(v2.metadata.labels, { app: "web", env: "prod" });
  assert.deepEqual((entry(v2, "kubectl")!.fieldsV1 as any)["f:metadata"], { "f:labels": { "f:app": {} } });
});

test("dropping a struct field keeps the struct another manager still has fields in", () => {
  const applied = deployment();
  applied.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } };
  const v1 = apply(undefined, applied);
  const tuned = apply(v1, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { strategy: { rollingUpdate: { maxUnavailable: 2 } } } }, "tuner");
  const v2 = apply(tuned, deployment());
  assert.deepEqual(v2.spec.strategy, { rollingUpdate: { maxUnavailable: 2 } });
  const v3 = apply(v2, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }, "tuner");
  assert.equal(v3.spec.strategy, undefined, "nobody owns anything under strategy any more");
});

test("set items merge by value and are pruned per value", () => {
  const withFinalizers = (...f: string[]) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", finalizers: f } });
  const a = apply(undefined, withFinalizers("x/a", "shared"), "a");
  const b = apply(a, withFinalizers("shared", "x/b"), "b");
  assert.deepEqual(b.metadata.finalizers, ["x/a", "shared", "x/b"]);
  const dropped = apply(b, withFinalizers(), "a");
  assert.deepEqual(dropped.metadata.finalizers, ["shared", "x/b"]);
});

test("two appliers each own one container of a list-map; dropping one removes only that one", () => {
  const base = apply(undefined, deployment());
  const sidecar = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
    spec: { template: { spec: { containers: [{ name: "proxy", image: "envoy:1" }] } } },
  };
  const both = apply(base, sidecar, "mesh");
  assert.deepEqual(both.spec.template.spec.containers.map((c: any) => c.name), ["nginx", "proxy"]);
  assert.deepEqual(Object.keys((entry(both, "mesh")!.fieldsV1 as any)["f:spec"]["f:template"]["f:spec"]["f:containers"]), ['k:{"name":"proxy"}']);

  const withoutMine = structuredClone(deployment());
  withoutMine.spec.template.spec.containers = [{ name: "nginx", image: "nginx:1.27" }];
  const sansProxy = apply(both, { ...sidecar, spec: { template: { spec: { containers: [] } } } }, "mesh");
  assert.deepEqual(sansProxy.spec.template.spec.containers, withoutMine.spec.template.spec.containers);
});

test("list-map merge follows the configuration's order for shared items and keeps live-only ones where they were", () => {
  const live = apply(undefined, {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
    spec: { template: { spec: { containers: [{ name: "a", image: "1" }, { name: "b", image: "1" }, { name: "c", image: "1" }] } } },
  }, "one");
  const merged = apply(live, {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
    spec: { template: { spec: { containers: [{ name: "c", image: "2" }, { name: "new", image: "2" }, { name: "a", image: "2" }] } } },
  }, "two", { force: true });
  assert.deepEqual(merged.spec.template.spec.containers.map((c: any) => `${c.name}:${c.image}`), ["b:1", "c:2", "new:2", "a:2"]);
});

test("atomic fields are replaced whole, granular ones merged", () => {
  const live = structuredClone(apply(undefined, deployment()));
  live.spec.template.spec.tolerations = [{ key: "a" }, { key: "b" }];
  const applied = deployment();
  applied.spec.template.spec.tolerations = [{ key: "c" }];
  applied.spec.selector = { matchLabels: { other: "x" } };
  const out = apply(live, applied, "kubectl", { force: true });
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: "c" }]);
  assert.deepEqual(out.spec.selector, { matchLabels: { other: "x" } });
});

test("a repeated identical apply changes nothing, not even timestamps", () => {
  const v1 = serverSideApply({ live: undefined, applied: deployment({ replicas: 2 }), manager: "kubectl", force: false, apiVersion: "apps/v1", time: T0, schema: deploymentSchema }).object;
  const v2 = apply(v1, deployment({ replicas: 2 }), "kubectl", { time: T2 });
  assert.deepEqual(v2, v1);
  const v3 = apply(v1, deployment({ replicas: 3 }), "kubectl", { time: T2 });
  assert.equal(entry(v3, "kubectl")!.time, T2);
});

test("an object that predates field tracking is owned by before-first-apply when first applied", () => {
  const legacy = deployment({ replicas: 7 });
  const err = statusOf(() => apply(legacy, deployment({ replicas: 1 })));
  assert.match(err.status.message!, /conflict with "before-first-apply" using apps\/v1: \.spec\.replicas/);
});

test("malformed apply configurations are 400s with upstream's wording", () => {
  const wrongVersion = { ...deployment(), apiVersion: "apps/v1beta1" };
  assert.equal(statusOf(() => apply(undefined, wrongVersion)).status.message, "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1");
  const withManaged = deployment();
  withManaged.metadata.managedFields = [];
  assert.equal(statusOf(() => apply(undefined, withManaged)).status.message, "metadata.managedFields must be nil");
  const noKind: any = deployment();
  delete noKind.kind;
  assert.equal(statusOf(() => apply(undefined, noKind)).code, 400);
  const noName = deployment();
  delete noName.metadata.name;
  assert.equal(statusOf(() => apply(undefined, noName)).code, 400);
  const dup = deployment();
  dup.spec.template.spec.containers.push({ name: "nginx", image: "x" });
  const e = statusOf(() => apply(undefined, dup));
  assert.equal(e.code, 400);
  assert.equal(e.status.message, `failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="nginx"]`);
});

test("apply requires a field manager, answered as upstream's PatchOptions validation", () => {
  assert.equal(requireApplyManager("kubectl"), "kubectl");
  const err = statusOf(() => requireApplyManager(undefined));
  assert.equal(err.code, 422);
  assert.equal(err.status.message, `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`);
  assert.deepEqual(err.status.details?.causes, [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }]);
});

test("resetFields keep a main-resource apply from owning status", () => {
  const applied: any = deployment();
  applied.status = { replicas: 9 };
  const out = apply(undefined, applied, "kubectl", { resetFields: [["status"]] });
  assert.equal((entry(out, "kubectl")!.fieldsV1 as any)["f:status"], undefined);
});
