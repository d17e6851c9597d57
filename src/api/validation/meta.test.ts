import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid as invalidStatus } from "../errors.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { validateLabelSelector } from "./labelselector.ts";

const fields = (errs: { field: string; type: string }[]) => errs.map((e) => `${e.field}:${e.type}`);

test("name is required and checked per kind", () => {
  assert.deepEqual(fields(validateObjectMeta({ namespace: "default" }, { namespaced: true })), ["metadata.name:FieldValueRequired"]);
  assert.deepEqual(validateObjectMeta({ name: "a.b", namespace: "default" }, { namespaced: true }), []);
  assert.deepEqual(fields(validateObjectMeta({ name: "a.b" }, { namespaced: false, nameIsDNSLabel: true })), ["metadata.name:FieldValueInvalid"]);
  const svc = validateObjectMeta({ name: "1web", namespace: "d" }, { namespaced: true, nameIsDNS1035Label: true });
  assert.match(invalidStatus({ group: "", kind: "Service" }, "1web", svc).message, /^Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label/);
});

test("generateName with a trailing dash is accepted", () => {
  assert.deepEqual(validateObjectMeta({ generateName: "web-", name: "web-abcde", namespace: "d" }, { namespaced: true }), []);
  assert.deepEqual(fields(validateObjectMeta({ generateName: "Web-", name: "web-x", namespace: "d" }, { namespaced: true })), ["metadata.generateName:FieldValueInvalid"]);
});

test("namespace presence follows scope", () => {
  assert.deepEqual(fields(validateObjectMeta({ name: "x" }, { namespaced: true })), ["metadata.namespace:FieldValueRequired"]);
  assert.deepEqual(fields(validateObjectMeta({ name: "x", namespace: "d" }, { namespaced: false })), ["metadata.namespace:FieldValueForbidden"]);
});

test("labels, annotations, owner references and finalizers", () => {
  const errs = validateObjectMeta({
    name: "x", namespace: "d",
    labels: { "bad key!": "ok", good: "bad value!" },
    annotations: { "Example.com/Upper": "fine", big: "x".repeat(256 * 1024) },
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "a", uid: "1", controller: true },
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "b", uid: "2", controller: true },
      { apiVersion: "", kind: "", name: "", uid: "" },
    ],
    finalizers: ["example.com/f", "bad/final/izer"],
  }, { namespaced: true });
  assert.deepEqual(fields(errs), [
    "metadata.labels:FieldValueInvalid", "metadata.labels:FieldValueInvalid", "metadata.annotations:FieldValueTooLong",
    "metadata.ownerReferences:FieldValueInvalid", "metadata.ownerReferences.apiVersion:FieldValueInvalid",
    "metadata.ownerReferences.kind:FieldValueInvalid", "metadata.ownerReferences.name:FieldValueInvalid",
    "metadata.ownerReferences.uid:FieldValueInvalid", "metadata.finalizers:FieldValueInvalid",
  ]);
  assert.equal(errs[2].detail, "may not be more than 262144 bytes");
  assert.match(String(errs[3].detail), /Found "true" in references for ReplicaSet\/a and ReplicaSet\/b/);
});

test("update keeps identity fields immutable", () => {
  const old = { name: "x", namespace: "d", uid: "u1", resourceVersion: "5", creationTimestamp: "2024-01-01T00:00:00Z" } as any;
  assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: "b" } }, old), []);
  const errs = validateObjectMetaUpdate({ ...old, name: "y", uid: "u2" }, old);
  assert.deepEqual(fields(errs), ["metadata.name:FieldValueInvalid", "metadata.uid:FieldValueInvalid"]);
  assert.equal(errs[0].detail, "field is immutable");
  const deleting = { ...old, deletionTimestamp: "2024-01-02T00:00:00Z", finalizers: ["a/b"] };
  const fin = validateObjectMetaUpdate({ ...deleting, finalizers: ["a/b", "c/d"] }, deleting);
  assert.deepEqual(fields(fin), ["metadata.finalizers:FieldValueForbidden"]);
  assert.match(String(fin[0].detail), /found new finalizers \[\]string\{"c\/d"\}/);
});

test("label selectors check operators and values", () => {
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["a"] }] }, "spec.selector"), []);
  const errs = validateLabelSelector({
    matchExpressions: [
      { key: "a", operator: "In" },
      { key: "b", operator: "Exists", values: ["x"] },
      { key: "c", operator: "Equals", values: ["x"] },
      { key: "d", operator: "NotIn", values: ["bad value"] },
    ],
  }, "spec.selector");
  assert.deepEqual(fields(errs), [
    "spec.selector.matchExpressions[0].values:FieldValueRequired",
    "spec.selector.matchExpressions[1].values:FieldValueForbidden",
    "spec.selector.matchExpressions[2].operator:FieldValueInvalid",
    "spec.selector.matchExpressions[3].values[0]:FieldValueInvalid",
  ]);
});
