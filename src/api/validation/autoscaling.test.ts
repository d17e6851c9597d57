import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultHorizontalPodAutoscaler } from "../defaults/autoscaling.ts";
import { validateHorizontalPodAutoscaler } from "./autoscaling.ts";

const hpa = (spec: Record<string, unknown> = {}): any => {
  const h: any = { metadata: { name: "web" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 5, ...spec } };
  defaultHorizontalPodAutoscaler(h);
  return h;
};
const fields = (errs: { field: string; detail?: string }[]) => errs.map((e) => [e.field, e.detail]);

test("HPA defaults: one replica, 80% CPU, behavior filled in only when given", () => {
  const h = hpa();
  assert.equal(h.spec.minReplicas, 1);
  assert.deepEqual(h.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }]);
  assert.equal(h.spec.behavior, undefined);
  const b = hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
  assert.deepEqual(b.spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
  });
});

test("HPA: replica bounds and scale target", () => {
  assert.deepEqual(validateHorizontalPodAutoscaler(hpa(), {}), []);
  assert.deepEqual(fields(validateHorizontalPodAutoscaler(hpa({ minReplicas: 3, maxReplicas: 2 }), {})), [["spec.maxReplicas", "must be greater than or equal to `minReplicas`"]]);
  assert.deepEqual(fields(validateHorizontalPodAutoscaler(hpa({ minReplicas: 0 }), {})), [
    ["spec.minReplicas", "must be greater than or equal to 1"], ["spec.metrics", "must specify at least one Object or External metric to support scaling to zero replicas"],
  ]);
  assert.deepEqual(fields(validateHorizontalPodAutoscaler(hpa({ maxReplicas: 0 }), {})), [
    ["spec.maxReplicas", "must be greater than 0"], ["spec.maxReplicas", "must be greater than or equal to `minReplicas`"],
  ]);
  assert.deepEqual(fields(validateHorizontalPodAutoscaler(hpa({ scaleTargetRef: { name: "a/b" } }), {})), [["spec.scaleTargetRef.kind", undefined], ["spec.scaleTargetRef.name", "may not contain '/'"]]);
});

test("HPA: metric sources and targets", () => {
  const check = (m: unknown) => fields(validateHorizontalPodAutoscaler(hpa({ metrics: [m] }), {}));
  assert.deepEqual(check({ type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1k" } } }), []);
  assert.deepEqual(check({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization" } } }), [["spec.metrics[0].resource.target.averageUtilization", "must set either a target raw value or a target utilization"]]);
  assert.deepEqual(check({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } } }), [["spec.metrics[0].resource.target.averageUtilization", "must be greater than 0"]]);
  assert.deepEqual(check({ type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "-1" } } }), [["spec.metrics[0].pods.target.averageValue", "must be positive"]]);
  assert.deepEqual(check({ type: "Object" }), [["spec.metrics[0].object", "must populate information for the given metric source"]]);
  assert.deepEqual(check({ type: "Magic" }), [["spec.metrics[0].type", undefined]]);
  assert.deepEqual(check({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } }, pods: { metric: { name: "x" }, target: { type: "AverageValue", averageValue: "1" } } }),
    [["spec.metrics[0].pods", "must populate the given metric source only"]]);
});

test("HPA: behavior policies", () => {
  const errs = validateHorizontalPodAutoscaler(hpa({ behavior: { scaleUp: { selectPolicy: "Most", stabilizationWindowSeconds: 4000, policies: [{ type: "Pods", value: 0, periodSeconds: 2000 }] } } }), {});
  assert.deepEqual(fields(errs), [
    ["spec.behavior.scaleUp.stabilizationWindowSeconds", "must be less than or equal to 3600"],
    ["spec.behavior.scaleUp.selectPolicy", undefined],
    ["spec.behavior.scaleUp.policies[0].value", "must be greater than zero"],
    ["spec.behavior.scaleUp.policies[0].periodSeconds", "must be less than or equal to 1800"],
  ]);
});
