import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid } from "../errors.ts";
import { defaultBinding } from "../defaults/rbac.ts";
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from "./rbac.ts";

const fields = (errs: { field: string; type: string }[]) => errs.map((e) => [e.field, e.type]);

test("rules: verbs always; groups and resources for resource rules; URLs only cluster-wide", () => {
  assert.deepEqual(validateRole({ metadata: {}, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] }), []);
  assert.deepEqual(fields(validateRole({ metadata: {}, rules: [{ verbs: [] }] } as any)), [
    ["rules[0].verbs", "FieldValueRequired"], ["rules[0].apiGroups", "FieldValueRequired"], ["rules[0].resources", "FieldValueRequired"],
  ]);
  const urls = { nonResourceURLs: ["/healthz"], verbs: ["get"] };
  assert.deepEqual(validateClusterRole({ metadata: {}, rules: [urls] }), []);
  assert.equal(invalid({ group: "rbac.authorization.k8s.io", kind: "Role" }, "r", validateRole({ metadata: {}, rules: [urls] })).message,
    'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs');
  assert.deepEqual(fields(validateClusterRole({ metadata: {}, aggregationRule: { clusterRoleSelectors: [] } })), [["aggregationRule.clusterRoleSelectors", "FieldValueRequired"]]);
});

test("bindings: roleRef and subjects as upstream", () => {
  const b: any = { metadata: {}, roleRef: { kind: "Role", name: "r" }, subjects: [{ kind: "User", name: "alice" }, { kind: "ServiceAccount", name: "default", namespace: "ns" }] };
  defaultBinding(b);
  assert.equal(b.roleRef.apiGroup, "rbac.authorization.k8s.io");
  assert.equal(b.subjects[0].apiGroup, "rbac.authorization.k8s.io");
  assert.equal(b.subjects[1].apiGroup, undefined);
  assert.deepEqual(validateRoleBinding(b, {}), []);
  assert.deepEqual(fields(validateClusterRoleBinding(b, {})), [["roleRef.kind", "FieldValueNotSupported"]]);
  const crb: any = { metadata: {}, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, subjects: [{ kind: "ServiceAccount", name: "x" }, { kind: "Robot", name: "r" }, { kind: "Group", name: "g", apiGroup: "" }] };
  assert.deepEqual(fields(validateClusterRoleBinding(crb, {})), [
    ["subjects[0].namespace", "FieldValueRequired"], ["subjects[1].kind", "FieldValueNotSupported"], ["subjects[2].apiGroup", "FieldValueNotSupported"],
  ]);
});

test("bindings: roleRef cannot change", () => {
  const old: any = { metadata: {}, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" } };
  const next: any = { metadata: {}, roleRef: { ...old.roleRef, name: "edit" } };
  assert.equal(invalid({ group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" }, "b", validateClusterRoleBinding(next, { old })).message,
    'ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef');
  assert.deepEqual(validateClusterRoleBinding(old, { old }), []);
});
