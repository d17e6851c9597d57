// autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler conversion, as upstream does it: v2 is stored;
// v1 carries only a CPU utilization target, and everything else round-trips through annotations in the shapes
// upstream writes (v1's legacy MetricSpec/MetricStatus JSON, and the behavior in Go field names).
import type * as v1 from "kubernetes-types/autoscaling/v1";
import type * as v2 from "kubernetes-types/autoscaling/v2";
import type { LabelSelector } from "kubernetes-types/meta/v1";

export const METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
const ROUND_TRIP_ANNOTATIONS = [METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];
const DEFAULT_CPU_UTILIZATION = 80;

type Quantity = string;
/** autoscaling/v1's legacy metric shapes (never served as fields, only inside the annotations). */
interface V1MetricSpec {
  type: string;
  object?: { target: v1.CrossVersionObjectReference; metricName: string; targetValue: Quantity; selector?: LabelSelector; averageValue?: Quantity };
  pods?: { metricName: string; targetAverageValue: Quantity; selector?: LabelSelector };
  resource?: { name: string; targetAverageUtilization?: number; targetAverageValue?: Quantity };
  containerResource?: { name: string; targetAverageUtilization?: number; targetAverageValue?: Quantity; container: string };
  external?: { metricName: string; metricSelector?: LabelSelector; targetValue?: Quantity; targetAverageValue?: Quantity };
}
interface V1MetricStatus {
  type: string;
  object?: { target: v1.CrossVersionObjectReference; metricName: string; currentValue: Quantity; selector?: LabelSelector; averageValue?: Quantity };
  pods?: { metricName: string; currentAverageValue: Quantity; selector?: LabelSelector };
  resource?: { name: string; currentAverageUtilization?: number; currentAverageValue: Quantity };
  containerResource?: { name: string; currentAverageUtilization?: number; currentAverageValue: Quantity; container: string };
  external?: { metricName: string; metricSelector?: LabelSelector; currentValue: Quantity; currentAverageValue?: Quantity };
}

/** Drops undefined members so the JSON matches Go's omitempty output. */
const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const ref = (r: v2.CrossVersionObjectReference): v1.CrossVersionObjectReference => compact({ kind: r.kind, name: r.name, apiVersion: r.apiVersion });
const metric = (name: string, selector: LabelSelector | undefined): v2.MetricIdentifier => compact({ name, selector });

function metricSpecToV1(m: v2.MetricSpec): V1MetricSpec {
  const out: V1MetricSpec = { type: m.type };
  if (m.object) {
    out.object = compact({ target: ref(m.object.describedObject), metricName: m.object.metric.name, targetValue: String(m.object.target.value ?? "0"), selector: m.object.metric.selector, averageValue: m.object.target.averageValue as Quantity | undefined });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric.name, targetAverageValue: String(m.pods.target.averageValue ?? "0"), selector: m.pods.metric.selector });
  if (m.resource) out.resource = compact({ name: m.resource.name, targetAverageUtilization: m.resource.target.averageUtilization, targetAverageValue: m.resource.target.averageValue as Quantity | undefined });
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({ name: c.name, targetAverageUtilization: c.target.averageUtilization, targetAverageValue: c.target.averageValue as Quantity | undefined, container: c.container });
  }
  if (m.external) {
    const e = m.external;
    out.external = compact({ metricName: e.metric.name, metricSelector: e.metric.selector, targetValue: e.target.value as Quantity | undefined, targetAverageValue: e.target.averageValue as Quantity | undefined });
  }
  return out;
}

function metricSpecFromV1(m: V1MetricSpec): v2.MetricSpec {
  const out: v2.MetricSpec = { type: m.type };
  if (m.object) {
    const o = m.object;
    out.object = { describedObject: ref(o.target), metric: metric(o.metricName, o.selector), target: compact({ type: o.averageValue == null ? "Value" : "AverageValue", value: o.targetValue, averageValue: o.averageValue }) };
  }
  if (m.pods) out.pods = { metric: metric(m.pods.metricName, m.pods.selector), target: { type: "AverageValue", averageValue: m.pods.targetAverageValue } };
  const resourceTarget = (r: { targetAverageUtilization?: number; targetAverageValue?: Quantity }): v2.MetricTarget =>
    compact({ type: r.targetAverageUtilization == null ? "AverageValue" : "Utilization", averageValue: r.targetAverageValue, averageUtilization: r.targetAverageUtilization });
  if (m.resource) out.resource = { name: m.resource.name, target: resourceTarget(m.resource) };
  if (m.containerResource) out.containerResource = { name: m.containerResource.name, container: m.containerResource.container, target: resourceTarget(m.containerResource) };
  if (m.external) {
    const e = m.external;
    out.external = { metric: metric(e.metricName, e.metricSelector), target: compact({ type: e.targetValue == null ? "AverageValue" : "Value", value: e.targetValue, averageValue: e.targetAverageValue }) };
  }
  return out;
}

function metricStatusToV1(m: v2.MetricStatus): V1MetricStatus {
  const out: V1MetricStatus = { type: m.type };
  const q = (v: unknown): Quantity => String(v ?? "0");
  if (m.object) {
    const o = m.object;
    out.object = compact({ target: ref(o.describedObject), metricName: o.metric.name, currentValue: q(o.current.value), selector: o.metric.selector, averageValue: o.current.averageValue as Quantity | undefined });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric.name, currentAverageValue: q(m.pods.current.averageValue), selector: m.pods.metric.selector });
  if (m.resource) out.resource = compact({ name: m.resource.name, currentAverageUtilization: m.resource.current.averageUtilization, currentAverageValue: q(m.resource.current.averageValue) });
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({ name: c.name, currentAverageUtilization: c.current.averageUtilization, currentAverageValue: q(c.current.averageValue), container: c.container });
  }
  if (m.external) {
    const e = m.external;
    out.external = compact({ metricName: e.metric.name, metricSelector: e.metric.selector, currentValue: q(e.current.value), currentAverageValue: e.current.averageValue as Quantity | undefined });
  }
  return out;
}

function metricStatusFromV1(m: V1MetricStatus): v2.MetricStatus {
  const out: v2.MetricStatus = { type: m.type };
  if (m.object) out.object = { describedObject: ref(m.object.target), metric: metric(m.object.metricName, m.object.selector), current: compact({ value: m.object.currentValue, averageValue: m.object.averageValue }) };
  if (m.pods) out.pods = { metric: metric(m.pods.metricName, m.pods.selector), current: { averageValue: m.pods.currentAverageValue } };
  if (m.resource) out.resource = { name: m.resource.name, current: compact({ averageValue: m.resource.currentAverageValue, averageUtilization: m.resource.currentAverageUtilization }) };
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = { name: c.name, container: c.container, current: compact({ averageValue: c.currentAverageValue, averageUtilization: c.currentAverageUtilization }) };
  }
  if (m.external) out.external = { metric: metric(m.external.metricName, m.external.metricSelector), current: compact({ value: m.external.currentValue, averageValue: m.external.currentAverageValue }) };
  return out;
}

// The behavior annotation holds upstream's internal type marshalled without JSON tags: Go field names, nulls kept.
const rulesToGo = (r: v2.HPAScalingRules | undefined) => r == null ? null : {
  StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
  SelectPolicy: r.selectPolicy ?? null,
  Policies: r.policies?.map((p) => ({ Type: p.type, Value: p.value, PeriodSeconds: p.periodSeconds })) ?? null,
};

/** Go's decoder matches field names case-insensitively, so either spelling is read. */
function field(o: any, name: string): any {
  if (o == null || typeof o !== "object") return undefined;
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

function rulesFromGo(r: any): v2.HPAScalingRules | undefined {
  if (r == null) return undefined;
  const policies = field(r, "policies");
  return compact({
    stabilizationWindowSeconds: field(r, "stabilizationWindowSeconds") ?? undefined,
    selectPolicy: field(r, "selectPolicy") ?? undefined,
    policies: Array.isArray(policies) ? policies.map((p) => ({ type: field(p, "type"), value: field(p, "value"), periodSeconds: field(p, "periodSeconds") })) : undefined,
  });
}

const parse = (s: string | undefined): unknown => {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

const isCPUUtilization = (m: v2.MetricSpec): boolean => m.type === "Resource" && m.resource?.name === "cpu" && m.resource.target.averageUtilization != null;

function withoutRoundTrip(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const out = Object.fromEntries(Object.entries(annotations).filter(([k]) => !ROUND_TRIP_ANNOTATIONS.includes(k)));
  return Object.keys(out).length ? out : undefined;
}

/** The stored v2 object as an autoscaling/v1 client sees it. */
export function hpaV2ToV1(hpa: v2.HorizontalPodAutoscaler): v1.HorizontalPodAutoscaler {
  const spec = hpa.spec ?? ({} as v2.HorizontalPodAutoscalerSpec);
  const status = hpa.status;
  const metrics = spec.metrics ?? [];
  const annotations: Record<string, string> = { ...withoutRoundTrip(hpa.metadata?.annotations) };
  const others = metrics.filter((m) => !isCPUUtilization(m)).map(metricSpecToV1);
  if (others.length) annotations[METRIC_SPECS_ANNOTATION] = JSON.stringify(others);
  if (status?.currentMetrics?.length) annotations[METRIC_STATUSES_ANNOTATION] = JSON.stringify(status.currentMetrics.map(metricStatusToV1));
  if (spec.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify({ ScaleUp: rulesToGo(spec.behavior.scaleUp), ScaleDown: rulesToGo(spec.behavior.scaleDown) });
  if (status?.conditions?.length) {
    annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions.map((c) => compact({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message })));
  }
  const cpu = metrics.find(isCPUUtilization);
  const currentCPU = [...(status?.currentMetrics ?? [])].reverse()
    .find((m) => m.type === "Resource" && m.resource?.name === "cpu" && m.resource.current.averageUtilization != null);
  const { annotations: _dropped, ...meta } = hpa.metadata ?? {};
  return {
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...meta, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target.averageUtilization,
    }),
    ...(status ? {
      status: compact({
        observedGeneration: status.observedGeneration,
        lastScaleTime: status.lastScaleTime,
        currentReplicas: status.currentReplicas ?? 0,
        desiredReplicas: status.desiredReplicas,
        currentCPUUtilizationPercentage: currentCPU?.resource?.current.averageUtilization,
      }),
    } : {}),
  };
}

/** An autoscaling/v1 object as Berth stores it (v2), restoring what the annotations carry. */
export function hpaV1ToV2(hpa: v1.HorizontalPodAutoscaler): v2.HorizontalPodAutoscaler {
  // Conversion runs before validation, so a client's object may lack even spec (validation then says so).
  const spec = hpa.spec ?? ({} as v1.HorizontalPodAutoscalerSpec);
  const annotations = hpa.metadata?.annotations ?? {};
  let metrics: v2.MetricSpec[] = spec.targetCPUUtilizationPercentage != null
    ? [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage } } }]
    : [];
  const others = parse(annotations[METRIC_SPECS_ANNOTATION]);
  if (Array.isArray(others)) metrics = [...(others as V1MetricSpec[]).map(metricSpecFromV1), ...metrics.slice(0, 1)];
  // v1 always meant 80% CPU when nothing else was said; v2 says it explicitly.
  if (metrics.length === 0) metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];

  let behavior: v2.HorizontalPodAutoscalerBehavior | undefined;
  const b = parse(annotations[BEHAVIOR_ANNOTATION]);
  if (b && typeof b === "object") {
    const scaleUp = rulesFromGo(field(b, "scaleUp"));
    const scaleDown = rulesFromGo(field(b, "scaleDown"));
    if (scaleUp || scaleDown) behavior = compact({ scaleUp, scaleDown });
  }

  const status = hpa.status;
  let currentMetrics: v2.MetricStatus[] | undefined = status?.currentCPUUtilizationPercentage != null
    ? [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
    : undefined;
  if (METRIC_STATUSES_ANNOTATION in annotations) {
    // The annotation, when present, is the whole truth about current metrics.
    const parsed = parse(annotations[METRIC_STATUSES_ANNOTATION]);
    currentMetrics = Array.isArray(parsed) ? (parsed as V1MetricStatus[]).map(metricStatusFromV1) : undefined;
  }
  const conditions = parse(annotations[CONDITIONS_ANNOTATION]);

  const { annotations: _all, ...meta } = hpa.metadata ?? {};
  const kept = withoutRoundTrip(hpa.metadata?.annotations);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...meta, ...(kept ? { annotations: kept } : {}) },
    spec: compact({ scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics, behavior }),
    ...(status || Array.isArray(conditions) ? {
      status: compact({
        observedGeneration: status?.observedGeneration,
        lastScaleTime: status?.lastScaleTime,
        // v2 omits a zero currentReplicas (omitempty) where v1 always writes it.
        currentReplicas: status?.currentReplicas || undefined,
        desiredReplicas: status?.desiredReplicas ?? 0,
        currentMetrics,
        conditions: Array.isArray(conditions) ? conditions as v2.HorizontalPodAutoscalerCondition[] : undefined,
      }),
    } : {}),
  };
}
