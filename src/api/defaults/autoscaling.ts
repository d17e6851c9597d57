// Upstream's autoscaling/v2 defaults: one replica minimum, 80% CPU when no metrics are given, and the
// documented scale-up/scale-down behavior filled in wherever a behavior is given but parts are left out.
import type { HPAScalingRules, HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";

export const DEFAULT_CPU_UTILIZATION = 80;

const scaleUpDefaults = (): HPAScalingRules => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
});

// The scale-down window stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
const scaleDownDefaults = (): HPAScalingRules => ({
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
});

/** Upstream's copyHPAScalingRules: every field the user set wins over the default. */
function fill(rules: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!rules) return defaults;
  return {
    ...defaults,
    ...(rules.selectPolicy != null ? { selectPolicy: rules.selectPolicy } : {}),
    ...(rules.stabilizationWindowSeconds != null ? { stabilizationWindowSeconds: rules.stabilizationWindowSeconds } : {}),
    ...(rules.policies != null ? { policies: rules.policies } : {}),
  };
}

export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= {} as HorizontalPodAutoscaler["spec"])!;
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = fill(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = fill(spec.behavior.scaleDown, scaleDownDefaults());
  }
}
