import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid } from "../errors.ts";
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from "../defaults/apps.ts";
import { validateControllerRevision, validateDaemonSet, validateDeployment, validateReplicaSet, validateStatefulSet } from "./apps.ts";

const podSpec = () => ({ containers: [{ name: "c", image: "nginx" }] });
const template = (labels: Record<string, string> = { app: "web" }) => ({ metadata: { labels }, spec: podSpec() });

function deployment(spec: Record<string, unknown> = {}): any {
  const d: any = { metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, template: template(), ...spec } };
  defaultDeployment(d);
  return d;
}

const message = (kind: string, errs: ReturnType<typeof validateDeployment>) => invalid({ group: "apps", kind }, "web", errs).message;

test("Deployment: a defaulted, matching Deployment is valid", () => {
  assert.deepEqual(validateDeployment(deployment(), {}), []);
});

test("Deployment: messages are upstream's, byte for byte", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["labels mismatch", { template: template({ app: "x" }) },
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`'],
    ["missing selector", { selector: undefined },
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]'],
    ["empty selector", { selector: { matchLabels: null } },
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
    ["negative replicas", { replicas: -1 }, 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ["both zero", { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } },
      'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
    ["bad percent", { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "abc", maxUnavailable: 1 } } },
      `Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"abc"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`],
    ["over 100%", { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: "150%" } } },
      'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
    ["Recreate with rollingUpdate", { strategy: { type: "Recreate", rollingUpdate: {} } },
      "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ["restart policy", { template: { ...template(), spec: { ...podSpec(), restartPolicy: "Never" } } },
      'Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ["progress deadline", { minReadySeconds: 700 },
      'Deployment.apps "web" is invalid: spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
  ];
  for (const [name, spec, want] of cases) assert.equal(message("Deployment", validateDeployment(deployment(spec), {})), want, name);
});

test("Deployment: the selector is immutable, other spec changes are fine", () => {
  const old = deployment();
  assert.deepEqual(validateDeployment(deployment({ replicas: 5 }), { old }), []);
  const changed = deployment({ selector: { matchLabels: { app: "web", tier: "x" } }, template: template({ app: "web", tier: "x" }) });
  assert.equal(message("Deployment", validateDeployment(changed, { old })),
    'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
});

test("ReplicaSet: shares the template checks and upstream's deployment wording for empty selectors", () => {
  const rs: any = { metadata: { name: "web" }, spec: { selector: { matchLabels: {} }, template: template() } };
  defaultReplicaSet(rs);
  assert.equal(rs.spec.replicas, 1);
  const errs = validateReplicaSet(rs, {});
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [["spec.selector", "empty selector is invalid for deployment"]]);
  rs.spec.selector = { matchLabels: { app: "web" } };
  assert.deepEqual(validateReplicaSet(rs, {}), []);
  rs.spec.template.spec.activeDeadlineSeconds = 5;
  assert.equal(validateReplicaSet(rs, {})[0].detail, "activeDeadlineSeconds in ReplicaSet is not Supported");
});

function statefulSet(spec: Record<string, unknown> = {}): any {
  const s: any = { metadata: { name: "db" }, spec: { serviceName: "db", selector: { matchLabels: { app: "web" } }, template: template(), ...spec } };
  defaultStatefulSet(s);
  return s;
}

test("StatefulSet: valid after defaulting; bad policies are reported as upstream", () => {
  assert.deepEqual(validateStatefulSet(statefulSet(), {}), []);
  const bad = statefulSet({ podManagementPolicy: "Sometimes", persistentVolumeClaimRetentionPolicy: { whenDeleted: "Keep", whenScaled: "Retain" } });
  assert.equal(invalid({ group: "apps", kind: "StatefulSet" }, "db", validateStatefulSet(bad, {})).message,
    `StatefulSet.apps "db" is invalid: [spec.podManagementPolicy: Invalid value: "Sometimes": must be 'OrderedReady' or 'Parallel', spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"]`);
  const partition = statefulSet({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: -1 } } });
  assert.equal(validateStatefulSet(partition, {})[0].field, "spec.updateStrategy.rollingUpdate.partition");
  const onDelete = statefulSet({ updateStrategy: { type: "OnDelete", rollingUpdate: { partition: 2 } } });
  assert.equal(invalid({ group: "apps", kind: "StatefulSet" }, "db", validateStatefulSet(onDelete, {})).message,
    `StatefulSet.apps "db" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:2, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'`);
});

test("StatefulSet: only the allowed spec fields may change", () => {
  const old = statefulSet();
  const ok = statefulSet({ replicas: 3, minReadySeconds: 2, template: template({ app: "web", v: "2" }), updateStrategy: { type: "OnDelete" } });
  assert.deepEqual(validateStatefulSet(ok, { old }), []);
  const errs = validateStatefulSet(statefulSet({ serviceName: "other" }), { old });
  assert.equal(errs.length, 1);
  assert.equal(errs[0].type, "FieldValueForbidden");
  assert.equal(errs[0].detail, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
});

function daemonSet(spec: Record<string, unknown> = {}): any {
  const d: any = { metadata: { name: "agent" }, spec: { selector: { matchLabels: { app: "web" } }, template: template(), ...spec } };
  defaultDaemonSet(d);
  return d;
}

test("DaemonSet: rolling update needs exactly one of maxSurge and maxUnavailable", () => {
  assert.deepEqual(validateDaemonSet(daemonSet(), {}), []);
  const both = daemonSet({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } });
  assert.deepEqual(validateDaemonSet(both, {}).map((e) => [e.field, e.detail]), [["spec.updateStrategy.rollingUpdate.maxSurge", "may not be set when maxUnavailable is non-zero"]]);
  const none = daemonSet({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
  assert.deepEqual(validateDaemonSet(none, {}).map((e) => [e.type, e.field]), [["FieldValueRequired", "spec.updateStrategy.rollingUpdate.maxUnavailable"]]);
  const empty = daemonSet({ selector: {} });
  assert.ok(validateDaemonSet(empty, {}).some((e) => e.detail === "empty selector is invalid for daemonset"));
});

test("ControllerRevision: data required and immutable, revision non-negative", () => {
  assert.deepEqual(validateControllerRevision({ metadata: {}, revision: 1, data: { a: 1 } } as any, {}), []);
  assert.deepEqual(validateControllerRevision({ metadata: {}, revision: -1 } as any, {}).map((e) => e.field), ["data", "revision"]);
  const errs = validateControllerRevision({ metadata: {}, revision: 1, data: { a: 2 } } as any, { old: { revision: 1, data: { a: 1 } } });
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [["data", "field is immutable"]]);
});
