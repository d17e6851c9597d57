import { test } from "node:test";
import assert from "node:assert/strict";
import { horizontalPodAutoscalerTable } from "./autoscaling.ts";
import { leaseTable, priorityClassTable, storageClassTable } from "./cluster.ts";
import { ingressClassTable, ingressTable, networkPolicyTable } from "./networking.ts";
import { podDisruptionBudgetTable } from "./policy.ts";
import { roleBindingTable, roleTable } from "./rbac.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "x", creationTimestamp: "2024-05-01T09:00:00Z" };

test("ingresses: CLASS HOSTS ADDRESS PORTS", () => {
  const ing = {
    metadata: meta,
    spec: { ingressClassName: "nginx", rules: [{ host: "a.example" }, {}, { host: "c.example" }, { host: "d.example" }], tls: [{ hosts: ["a.example"] }] },
    status: { loadBalancer: { ingress: [{ ip: "10.0.0.9" }] } },
  };
  assert.deepEqual(ingressTable.cells(ing, now), ["x", "nginx", "a.example,c.example + 1 more...", "10.0.0.9", "80, 443", "3h"]);
  assert.deepEqual(ingressTable.cells({ metadata: meta, spec: {} }, now).slice(1, 5), ["<none>", "*", "", "80"]);
  const ic = { metadata: meta, spec: { controller: "k8s.io/ingress-nginx", parameters: { apiGroup: "k8s.example.com", kind: "IngressParameters", name: "p" } } };
  assert.deepEqual(ingressClassTable.cells(ic, now), ["x", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/p", "3h"]);
});

test("networkpolicies show the pod selector, <none> when it selects all pods", () => {
  assert.deepEqual(networkPolicyTable.cells({ metadata: meta, spec: { podSelector: {} } }, now), ["x", "<none>", "3h"]);
  assert.equal(networkPolicyTable.cells({ metadata: meta, spec: { podSelector: { matchLabels: { role: "db" } } } }, now)[1], "role=db");
});

test("poddisruptionbudgets print int-or-string bounds and N/A", () => {
  const pdb = { metadata: meta, spec: { minAvailable: "50%" }, status: { disruptionsAllowed: 1 } };
  assert.deepEqual(podDisruptionBudgetTable.cells(pdb, now), ["x", "50%", "N/A", 1, "3h"]);
});

test("horizontalpodautoscalers: REFERENCE and TARGETS per metric type", () => {
  const hpa = {
    metadata: meta,
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } },
        { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1k" } } },
        { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
      ],
    },
    status: { currentReplicas: 3, currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 45 } } }] },
  };
  assert.deepEqual(horizontalPodAutoscalerTable.cells(hpa, now), ["x", "Deployment/web", "cpu: 45%/80%, <unknown>/1k + 1 more...", "2", 10, 3, "3h"]);
  const bare = { metadata: meta, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 3 } };
  assert.deepEqual(horizontalPodAutoscalerTable.cells(bare, now).slice(2, 4), ["<none>", "<unset>"]);
});

test("roles print CREATED AT; bindings ROLE and wide subjects by kind", () => {
  assert.deepEqual(roleTable.cells({ metadata: meta }, now), ["x", "2024-05-01T09:00:00Z"]);
  const rb = {
    metadata: meta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subjects: [
      { kind: "User", name: "alice" }, { kind: "Group", name: "devs" }, { kind: "User", name: "bob" },
      { kind: "ServiceAccount", namespace: "ci", name: "runner" },
    ],
  };
  assert.deepEqual(roleBindingTable.cells(rb, now), ["x", "ClusterRole/view", "3h", "alice, bob", "devs", "ci/runner"]);
});

test("priorityclasses, storageclasses and leases", () => {
  assert.deepEqual(priorityClassTable.cells({ metadata: meta, value: 1000, globalDefault: false }, now), ["x", 1000, false, "3h", "<unset>"]);
  const sc = { metadata: { ...meta, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "berth.dev/local" };
  assert.deepEqual(storageClassTable.cells(sc, now), ["x (default)", "berth.dev/local", "Delete", "Immediate", false, "3h"]);
  assert.deepEqual(leaseTable.cells({ metadata: meta, spec: { holderIdentity: "node-1" } }, now), ["x", "node-1", "3h"]);
});
