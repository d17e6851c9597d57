import { test } from "node:test";
import assert from "node:assert/strict";
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1";
import { updateManagedFields, type UpdateManagedFieldsOptions } from "./update.ts";
import { deployment, deploymentSchema } from "./testdata.ts";

const T0 = "2025-01-01T00:00:00Z";
const T1 = "2025-01-01T00:01:00Z";
const T2 = "2025-01-01T00:02:00Z";

function write(old: any, updated: any, manager: string, time: string, extra: Partial<UpdateManagedFieldsOptions> = {}): any {
  const managedFields = updateManagedFields({ old, updated, manager, apiVersion: "apps/v1", time, schema: deploymentSchema, ...extra });
  const out = structuredClone(updated);
  out.metadata.managedFields = managedFields;
  if (!managedFields.length) delete out.metadata.managedFields;
  return out;
}

const entry = (obj: any, manager: string): ManagedFieldsEntry | undefined =>
  obj.metadata.managedFields?.find((e: ManagedFieldsEntry) => e.manager === manager);

/** A stored Deployment with server-set metadata, as a create through kubectl would leave it. */
function created() {
  const d = deployment({ replicas: 1 });
  d.metadata.uid = "u-1";
  d.metadata.resourceVersion = "1";
  d.metadata.generation = 1;
  d.metadata.creationTimestamp = T0;
  d.status = { replicas: 0 };
  return write(undefined, d, "kubectl-create", T0, { resetFields: [["status"]] });
}

test("create records the creator's fields the way a real apiserver spells them", () => {
  const obj = created();
  assert.deepEqual(obj.metadata.managedFields, [{
    manager: "kubectl-create", operation: "Update", apiVersion: "apps/v1", time: T0, fieldsType: "FieldsV1",
    fieldsV1: {
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        "f:replicas": {}, "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } } },
        },
      },
    },
  }], "no uid/resourceVersion/generation/creationTimestamp/name, no reset status, '.' only where upstream writes it");
});

test("an update moves the fields it changes to its manager and leaves the rest where they were", () => {
  const obj = created();
  const next = structuredClone(obj);
  next.spec.template.spec.containers[0].image = "nginx:1.28";
  next.metadata.labels.tier = "front";
  const out = write(obj, next, "kubectl-edit", T1);
  assert.deepEqual(entry(out, "kubectl-edit")!.fieldsV1, {
    "f:metadata": { "f:labels": { "f:tier": {} } },
    "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { "f:image": {} } } } } },
  });
  assert.equal(entry(out, "kubectl-edit")!.time, T1);
  const creator = entry(out, "kubectl-create")!;
  assert.equal(creator.time, T0, "losing a field does not touch the loser's timestamp");
  assert.deepEqual((creator.fieldsV1 as any)["f:spec"]["f:template"]["f:spec"], { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:name": {} } } });
});

test("removed fields leave every manager, and managers left with nothing are dropped", () => {
  const obj = created();
  const edited = structuredClone(obj);
  edited.metadata.labels.tier = "front";
  const withTier = write(obj, edited, "labeler", T1);
  const next = structuredClone(withTier);
  delete next.metadata.labels.tier;
  const out = write(withTier, next, "kubectl-edit", T2);
  assert.equal(entry(out, "labeler"), undefined, "labeler owned only the removed label");
  assert.equal(entry(out, "kubectl-edit"), undefined, "a write that only removes takes nothing");
  assert.deepEqual(out.metadata.managedFields.map((e: ManagedFieldsEntry) => e.manager), ["kubectl-create"]);
});

test("a write that changes nothing ownable leaves entries and timestamps alone", () => {
  const obj = created();
  const next = structuredClone(obj);
  next.metadata.resourceVersion = "2";
  next.metadata.generation = 2;
  next.status = { replicas: 1 };
  const out = write(obj, next, "kubectl-create", T1, { resetFields: [["status"]] });
  assert.deepEqual(out.metadata.managedFields, obj.metadata.managedFields);
});

test("status subresource writes own status under their own entry and ignore a client's managedFields", () => {
  const obj = created();
  const next = structuredClone(obj);
  next.status = { replicas: 1, conditions: [{ type: "Available", status: "True" }] };
  next.metadata.managedFields = [];
  const out = write(obj, next, "kube-controller-manager", T1, { subresource: "status", resetFields: [["spec"], ["metadata"]] });
  const e = entry(out, "kube-controller-manager")!;
  assert.equal(e.subresource, "status");
  assert.deepEqual(e.fieldsV1, {
    "f:status": { "f:conditions": { ".": {}, 'k:{"type":"Available"}': { ".": {}, "f:status": {}, "f:type": {} } }, "f:replicas": {} },
  });
  assert.ok(entry(out, "kubectl-create"), "the empty list sent through a subresource did not reset anything");
});

test("entries are keyed by manager, operation, apiVersion and subresource", () => {
  const obj = created();
  const next = structuredClone(obj);
  next.spec.replicas = 2;
  const viaV1 = write(obj, next, "kubectl-create", T1);
  assert.equal(viaV1.metadata.managedFields.length, 1, "same identity: merged into the existing entry");
  assert.equal(viaV1.metadata.managedFields[0].time, T1);
  const again = structuredClone(viaV1);
  again.spec.replicas = 3;
  const scaled = write(viaV1, again, "kubectl-create", T2, { subresource: "scale" });
  assert.deepEqual(scaled.metadata.managedFields.map((e: ManagedFieldsEntry) => [e.manager, e.subresource ?? ""]), [["kubectl-create", ""], ["kubectl-create", "scale"]]);
});

test("a client's own valid managedFields replace the stored ones; [{}] and [] clear them", () => {
  const obj = created();
  const replaced = structuredClone(obj);
  replaced.metadata.managedFields = [{ manager: "someone", operation: "Update", apiVersion: "apps/v1", time: T0, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } }];
  assert.deepEqual(write(obj, replaced, "kubectl-replace", T1).metadata.managedFields, replaced.metadata.managedFields);

  for (const reset of [[{}], []]) {
    const cleared = structuredClone(obj);
    cleared.metadata.managedFields = reset;
    cleared.spec.replicas = 5;
    assert.equal(write(obj, cleared, "kubectl-patch", T1).metadata.managedFields, undefined, JSON.stringify(reset));
  }

  const respelled = structuredClone(obj);
  respelled.metadata.managedFields = [{ ...replaced.metadata.managedFields[0], fieldsV1: { "f:spec": { "f:template": {}, "f:replicas": {} }, "f:metadata": { "f:finalizers": { 'v:"b"': {}, 'v:"a"': {} } } } }];
  assert.equal(
    JSON.stringify(write(obj, respelled, "kubectl-replace", T1).metadata.managedFields[0].fieldsV1),
    `{"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}}},"f:spec":{"f:replicas":{},"f:template":{}}}`,
    "a client's spelling is stored in upstream's canonical order",
  );

  const bogus = structuredClone(obj);
  bogus.metadata.managedFields = [{ manager: "x", operation: "Delete", apiVersion: "apps/v1", fieldsType: "FieldsV1" }];
  assert.deepEqual(write(obj, bogus, "kubectl-replace", T1).metadata.managedFields, obj.metadata.managedFields, "an invalid list is ignored");
});

test("an object that tracks no fields is not started on by an update, but a create always tracks", () => {
  const untracked = deployment({ replicas: 1 });
  const next = structuredClone(untracked);
  next.spec.replicas = 2;
  assert.equal(write(untracked, next, "kubectl", T1).metadata.managedFields, undefined);
  const fromClient = deployment();
  fromClient.metadata.managedFields = [{}];
  assert.equal(write(undefined, fromClient, "kubectl-create", T1).metadata.managedFields.length, 1);
});

test("beyond ten Update entries the oldest are folded into ancient-changes", () => {
  let obj = created();
  for (let i = 0; i < 11; i++) {
    const next = structuredClone(obj);
    next.metadata.labels[`l${i}`] = "x";
    obj = write(obj, next, `m${i}`, `2025-01-01T01:${String(i).padStart(2, "0")}:00Z`);
  }
  const managers = obj.metadata.managedFields.map((e: ManagedFieldsEntry) => e.manager);
  assert.equal(managers.length, 10);
  assert.deepEqual(managers.slice(0, 1), ["ancient-changes"]);
  assert.ok(!managers.includes("kubectl-create") && !managers.includes("m0") && !managers.includes("m1"));
  const ancient = entry(obj, "ancient-changes")!;
  const labels = (ancient.fieldsV1 as any)["f:metadata"]["f:labels"];
  assert.ok(labels["f:app"] && labels["f:l0"] && labels["f:l1"], "the folded entries' fields are kept");
  assert.equal(ancient.time, "2025-01-01T01:01:00Z", "the bucket carries the newest folded time");
});
