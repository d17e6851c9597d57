import { test } from "node:test";
import assert from "node:assert/strict";
import type * as v2 from "kubernetes-types/autoscaling/v2";
import { BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, hpaV1ToV2, hpaV2ToV1 } from "./autoscaling.ts";

const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

test("a CPU-only v2 HPA is plain v1 with no annotations", () => {
  const h: v2.HorizontalPodAutoscaler = {
    apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "web", namespace: "default" },
    spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }] },
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 40, averageValue: "100m" } } }] },
  };
  const v1 = hpaV2ToV1(h);
  assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
  assert.equal(v1.status?.currentCPUUtilizationPercentage, 40);
  // The current metrics still travel in an annotation so the raw value survives.
  assert.deepEqual(Object.keys(v1.metadata?.annotations ?? {}), [METRIC_STATUSES_ANNOTATION]);
  assert.deepEqual(hpaV1ToV2(v1), h);
});

test("other metrics, behavior and conditions round-trip through the annotations", () => {
  const h: v2.HorizontalPodAutoscaler = {
    apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "web", annotations: { team: "a" } },
    spec: {
      scaleTargetRef: ref, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1k" } } },
        { type: "External", external: { metric: { name: "queue", selector: { matchLabels: { q: "a" } } }, target: { type: "Value", value: "30" } } },
        { type: "Object", object: { describedObject: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "main" }, metric: { name: "rps" }, target: { type: "Value", value: "10" } } },
        { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Min", policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } },
    },
    status: { desiredReplicas: 3, conditions: [{ type: "AbleToScale", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z", reason: "ReadyForNewScale" }] },
  };
  const v1 = hpaV2ToV1(h);
  assert.equal(v1.spec?.targetCPUUtilizationPercentage, 70);
  const a = v1.metadata!.annotations!;
  assert.equal(a.team, "a");
  assert.equal(a[METRIC_SPECS_ANNOTATION],
    '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"1k"}},{"type":"External","external":{"metricName":"queue","metricSelector":{"matchLabels":{"q":"a"}},"targetValue":"30"}},'
    + '{"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},"metricName":"rps","targetValue":"10"}},{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}}]');
  assert.equal(a[BEHAVIOR_ANNOTATION], '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Min","Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":60}]}}');
  assert.ok(a[CONDITIONS_ANNOTATION].includes('"ReadyForNewScale"'));
  assert.deepEqual(hpaV1ToV2(v1), h);
});

test("a v1 HPA without a target means 80% CPU; round-trip annotations are dropped", () => {
  const v2obj = hpaV1ToV2({ metadata: { name: "web", annotations: { [BEHAVIOR_ANNOTATION]: "not json" } }, spec: { scaleTargetRef: ref, maxReplicas: 3 } });
  assert.deepEqual(v2obj.spec?.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }]);
  assert.equal(v2obj.metadata?.annotations, undefined);
  assert.equal(v2obj.spec?.behavior, undefined);
  // Go's decoder matches field names case-insensitively, so lowerCamel behavior JSON is read too.
  const lower = hpaV1ToV2({ metadata: { annotations: { [BEHAVIOR_ANNOTATION]: '{"scaleUp":{"selectPolicy":"Disabled"}}' } }, spec: { scaleTargetRef: ref, maxReplicas: 3 } });
  assert.deepEqual(lower.spec?.behavior, { scaleUp: { selectPolicy: "Disabled" } });
});
