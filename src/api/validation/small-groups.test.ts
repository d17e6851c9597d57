// PriorityClass, Lease, StorageClass, review requests and PodDisruptionBudget: the smaller validators.
import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid } from "../errors.ts";
import { validatePriorityClass } from "./scheduling.ts";
import { validateLease } from "./coordination.ts";
import { validateStorageClass } from "./storage.ts";
import { validateSelfSubjectAccessReview, validateSubjectAccessReview } from "./reviews.ts";
import { validatePodDisruptionBudget } from "./policy.ts";
import { defaultPriorityClass } from "../defaults/scheduling.ts";
import { defaultStorageClass } from "../defaults/storage.ts";

test("PriorityClass: ceiling, reserved prefix, immutable value", () => {
  const pc: any = { metadata: { name: "high" }, value: 1_000_000 };
  defaultPriorityClass(pc);
  assert.equal(pc.preemptionPolicy, "PreemptLowerPriority");
  assert.deepEqual(validatePriorityClass(pc, {}), []);
  assert.equal(invalid({ group: "scheduling.k8s.io", kind: "PriorityClass" }, "high", validatePriorityClass({ ...pc, value: 2_000_000_000 }, {})).message,
    'PriorityClass.scheduling.k8s.io "high" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
  assert.equal(validatePriorityClass({ ...pc, metadata: { name: "system-mine" } }, {})[0].detail,
    "priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class");
  assert.deepEqual(validatePriorityClass({ metadata: { name: "system-node-critical" }, value: 2_000_001_000 }, {}), []);
  assert.deepEqual(validatePriorityClass({ ...pc, value: 5 }, { old: pc }).map((e) => e.detail), ["may not be changed in an update."]);
  assert.equal(validatePriorityClass({ ...pc, preemptionPolicy: "Sometimes" }, {})[0].type, "FieldValueNotSupported");
});

test("Lease: positive duration, non-negative transitions", () => {
  assert.deepEqual(validateLease({ metadata: {}, spec: { holderIdentity: "a", leaseDurationSeconds: 15 } }), []);
  assert.deepEqual(validateLease({ metadata: {}, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }).map((e) => [e.field, e.detail]), [
    ["spec.leaseDurationSeconds", "must be greater than 0"], ["spec.leaseTransitions", "must be greater than or equal to 0"],
  ]);
});

test("StorageClass: defaults, provisioner required, most fields immutable", () => {
  const sc: any = { metadata: { name: "fast" }, provisioner: "example.com/disk", parameters: { type: "ssd" } };
  defaultStorageClass(sc);
  assert.equal(sc.reclaimPolicy, "Delete");
  assert.equal(sc.volumeBindingMode, "Immediate");
  assert.deepEqual(validateStorageClass(sc, {}), []);
  assert.deepEqual(validateStorageClass({ ...sc, provisioner: "", reclaimPolicy: "Recycle" }, {}).map((e) => [e.field, e.type]), [
    ["provisioner", "FieldValueRequired"], ["reclaimPolicy", "FieldValueNotSupported"],
  ]);
  const changed = { ...sc, provisioner: "other.io/disk", parameters: {}, volumeBindingMode: "WaitForFirstConsumer" };
  assert.deepEqual(validateStorageClass(changed, { old: sc }).map((e) => e.field), ["parameters", "provisioner", "volumeBindingMode"]);
});

test("access reviews: exactly one kind of attributes; SubjectAccessReview needs a user or group", () => {
  assert.equal(invalid({ group: "authorization.k8s.io", kind: "SelfSubjectAccessReview" }, "", validateSelfSubjectAccessReview({ spec: {} } as any)).message,
    'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  assert.deepEqual(validateSelfSubjectAccessReview({ spec: { resourceAttributes: { verb: "get", resource: "pods" } } }), []);
  const both = { spec: { resourceAttributes: { verb: "get" }, nonResourceAttributes: { path: "/x", verb: "get" } } };
  assert.equal(invalid({ group: "authorization.k8s.io", kind: "SelfSubjectAccessReview" }, "", validateSelfSubjectAccessReview(both)).message,
    'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes');
  assert.deepEqual(validateSubjectAccessReview({ spec: { resourceAttributes: { verb: "get" } } }).map((e) => e.field), ["spec.user"]);
  assert.deepEqual(validateSubjectAccessReview({ spec: { groups: ["g"], resourceAttributes: { verb: "get" } } }), []);
});

test("PodDisruptionBudget: one of minAvailable/maxUnavailable, each a valid int or percent", () => {
  const sel = { matchLabels: { app: "web" } };
  assert.deepEqual(validatePodDisruptionBudget({ spec: { minAvailable: "50%", selector: sel } }), []);
  assert.deepEqual(validatePodDisruptionBudget({ spec: { minAvailable: 1, maxUnavailable: 1 } }).map((e) => [e.field, e.detail]), [["spec", "minAvailable and maxUnavailable cannot be both set"]]);
  assert.deepEqual(validatePodDisruptionBudget({ spec: { maxUnavailable: "120%" } }).map((e) => e.detail), ["must not be greater than 100%"]);
  assert.deepEqual(validatePodDisruptionBudget({ spec: { minAvailable: -1 } }).map((e) => e.detail), ["must be greater than or equal to 0"]);
  assert.equal(validatePodDisruptionBudget({ spec: { unhealthyPodEvictionPolicy: "Never" } })[0].type, "FieldValueNotSupported");
});
