import { test } from "node:test";
import assert from "node:assert/strict";
import { groupKindKey } from "../scheme.ts";
import { resourceTypes } from "../resources.ts";
import { checkSupportedFields, parseFieldSelector } from "../selectors/fields.ts";
import { fieldSelectors } from "./index.ts";

/** Runs a selector string against an object the way a list does. */
function selects(key: keyof typeof fieldSelectors, selector: string, obj: object): boolean {
  const getters = fieldSelectors[key]!;
  const sel = parseFieldSelector(selector);
  checkSupportedFields(sel, ["metadata.name", "metadata.namespace", ...Object.keys(getters)]);
  return sel.matches((f) => getters[f]?.(obj));
}

test("every registered kind is served", () => {
  const served = new Set(resourceTypes.map((r) => groupKindKey(r.group, r.kind)));
  assert.deepEqual(Object.keys(fieldSelectors).filter((k) => !served.has(k as never)), []);
});

test("pod fields: node, phase, IP, hostNetwork default, the spec.host alias", () => {
  const pod = { spec: { nodeName: "n1", restartPolicy: "Always", schedulerName: "default-scheduler", serviceAccountName: "default" }, status: { phase: "Running", podIPs: [{ ip: "10.0.0.4" }] } };
  assert.ok(selects("/Pod", "spec.nodeName=n1,status.phase=Running,status.podIP=10.0.0.4", pod));
  assert.ok(selects("/Pod", "spec.host=n1,spec.hostNetwork=false,spec.restartPolicy=Always", pod));
  assert.ok(selects("/Pod", "spec.schedulerName=default-scheduler,spec.serviceAccountName=default,status.nominatedNodeName=", pod));
  assert.ok(!selects("/Pod", "status.phase!=Running", pod));
  assert.ok(selects("/Pod", "spec.hostNetwork=true", { spec: { hostNetwork: true } }));
  assert.ok(selects("/Pod", "spec.nodeName=", { spec: {} }));
  assert.throws(() => selects("/Pod", "status.hostIP=1.2.3.4", pod), /field label not supported: status.hostIP/);
});

test("core event fields, with source falling back to the reporting controller", () => {
  const ev = { involvedObject: { kind: "Pod", name: "web", namespace: "default", uid: "u1" }, reason: "Killing", type: "Normal", reportingComponent: "kubelet" };
  assert.ok(selects("/Event", "involvedObject.kind=Pod,involvedObject.name=web,involvedObject.uid=u1,reason=Killing,type=Normal", ev));
  assert.ok(selects("/Event", "source=kubelet,reportingComponent=kubelet", ev));
  assert.ok(selects("/Event", "source=scheduler", { ...ev, source: { component: "scheduler" } }));
});

test("events.k8s.io fields read regarding and reportingController", () => {
  const ev = { regarding: { kind: "Node", name: "n1" }, reportingController: "berth", reason: "Ready", type: "Normal" };
  assert.ok(selects("events.k8s.io/Event", "regarding.kind=Node,regarding.name=n1,reportingController=berth,type=Normal", ev));
  assert.throws(() => selects("events.k8s.io/Event", "involvedObject.kind=Node", ev), /field label not supported: involvedObject.kind/);
});

test("secrets, namespaces, nodes, services, replicasets, jobs", () => {
  assert.ok(selects("/Secret", "type=kubernetes.io/service-account-token", { type: "kubernetes.io/service-account-token" }));
  assert.ok(selects("/Namespace", "status.phase=Terminating", { status: { phase: "Terminating" } }));
  assert.ok(selects("/Node", "spec.unschedulable=false", { spec: {} }));
  assert.ok(selects("/Node", "spec.unschedulable=true", { spec: { unschedulable: true } }));
  assert.ok(selects("/Service", "spec.type=NodePort,spec.clusterIP=10.96.0.1", { spec: { type: "NodePort", clusterIP: "10.96.0.1" } }));
  assert.ok(selects("apps/ReplicaSet", "status.replicas=0", { status: {} }));
  assert.ok(selects("apps/ReplicaSet", "status.replicas!=0", { status: { replicas: 2 } }));
  assert.ok(selects("batch/Job", "status.successful=3", { status: { succeeded: 3 } }));
  assert.ok(selects("apps/StatefulSet", "status.successful=", { status: { replicas: 1 } }));
});
