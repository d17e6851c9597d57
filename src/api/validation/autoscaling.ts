// Upstream's autoscaling/v2 HorizontalPodAutoscaler validation: replica bounds, the scale target, metric
// sources and their targets, and scaling behavior.
import type { CrossVersionObjectReference, HPAScalingRules, HorizontalPodAutoscaler, MetricIdentifier, MetricSpec, MetricTarget } from "kubernetes-types/autoscaling/v2";
import type { FieldError } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { forbidden, invalid, invalidEach, notSupported, required } from "./field.ts";
import { isDNS1123Label } from "./names.ts";
import { parseQuantity } from "./quantity.ts";
import { validateLabelSelector } from "./labelselector.ts";
import { validateContainerResourceName } from "./core/resources.ts";
import { isValidPathSegmentName } from "./rbac.ts";

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const SOURCE_FIELDS = { Object: "object", Pods: "pods", Resource: "resource", External: "external", ContainerResource: "containerResource" } as const;

export function validateCrossVersionObjectReference(ref: Partial<CrossVersionObjectReference> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["kind", "name"] as const) {
    const v = ref?.[f] ?? "";
    if (!v) errs.push(required(`${path}.${f}`));
    else errs.push(...invalidEach(`${path}.${f}`, v, isValidPathSegmentName(v)));
  }
  const apiVersion = ref?.apiVersion ?? "";
  if (apiVersion.split("/").length > 2) errs.push(invalid(`${path}.apiVersion`, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
  return errs;
}

/** A quantity's sign, or undefined when it does not parse (the decoder would have refused it). */
function sign(v: unknown): number | undefined {
  const q = typeof v === "string" || typeof v === "number" ? parseQuantity(v) : undefined;
  return q ? Number(q.nanos > 0n) - Number(q.nanos < 0n) : undefined;
}

function validateMetricTarget(t: Partial<MetricTarget>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!t.type) errs.push(required(`${path}.type`, "must specify a metric target type"));
  if (!["Utilization", "Value", "AverageValue"].includes(t.type ?? "")) errs.push(invalid(`${path}.type`, t.type ?? "", "must be either Utilization, Value, or AverageValue"));
  if (t.value != null && sign(t.value) !== 1) errs.push(invalid(`${path}.value`, String(t.value), "must be positive"));
  if (t.averageValue != null && sign(t.averageValue) !== 1) errs.push(invalid(`${path}.averageValue`, String(t.averageValue), "must be positive"));
  if (t.averageUtilization != null && t.averageUtilization < 1) errs.push(invalid(`${path}.averageUtilization`, t.averageUtilization, "must be greater than 0"));
  return errs;
}

function validateMetricIdentifier(id: Partial<MetricIdentifier> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!id?.name) errs.push(required(`${path}.name`, "must specify a metric name"));
  else errs.push(...invalidEach(`${path}.name`, id.name, isValidPathSegmentName(id.name)));
  if (id?.selector) errs.push(...validateLabelSelector(id.selector, `${path}.selector`));
  return errs;
}

/** Resource and ContainerResource sources: a utilization or an average value, not both. */
function validateResourceTarget(t: Partial<MetricTarget>, path: string): FieldError[] {
  const errs = validateMetricTarget(t, path);
  if (t.averageUtilization == null && t.averageValue == null) errs.push(required(`${path}.averageUtilization`, "must set either a target raw value or a target utilization"));
  if (t.averageUtilization != null && t.averageValue != null) errs.push(forbidden(`${path}.averageValue`, "may not set both a target raw value and a target utilization"));
  return errs;
}

function validateSource(spec: MetricSpec, field: string, path: string): FieldError[] {
  const p = `${path}.${field}`;
  switch (field) {
    case "object": {
      const s = spec.object!;
      const errs = [...validateCrossVersionObjectReference(s.describedObject, `${p}.describedObject`), ...validateMetricIdentifier(s.metric, `${p}.metric`), ...validateMetricTarget(s.target ?? {}, `${p}.target`)];
      if (s.target?.value == null && s.target?.averageValue == null) errs.push(required(`${p}.target.averageValue`, "must set either a target value or averageValue"));
      return errs;
    }
    case "pods": {
      const s = spec.pods!;
      const errs = [...validateMetricIdentifier(s.metric, `${p}.metric`), ...validateMetricTarget(s.target ?? {}, `${p}.target`)];
      if (s.target?.averageValue == null) errs.push(required(`${p}.target.averageValue`, "must specify a positive target averageValue"));
      return errs;
    }
    case "external": {
      const s = spec.external!;
      const errs = [...validateMetricIdentifier(s.metric, `${p}.metric`), ...validateMetricTarget(s.target ?? {}, `${p}.target`)];
      if (s.target?.value == null && s.target?.averageValue == null) errs.push(required(`${p}.target.averageValue`, "must set either a target value for metric or a per-pod target"));
      if (s.target?.value != null && s.target?.averageValue != null) errs.push(forbidden(`${p}.target.value`, "may not set both a target value for metric and a per-pod target"));
      return errs;
    }
    case "resource": {
      const s = spec.resource!;
      const errs = s.name ? validateContainerResourceName(s.name, `${p}.name`) : [required(`${p}.name`, "must specify a resource name")];
      return [...errs, ...validateResourceTarget(s.target ?? {}, `${p}.target`)];
    }
    default: {
      const s = spec.containerResource!;
      const errs = s.name ? validateContainerResourceName(s.name, `${p}.name`) : [required(`${p}.name`, "must specify a resource name")];
      if (!s.container) errs.push(required(`${p}.container`, "must specify a container"));
      else errs.push(...invalidEach(`${p}.container`, s.container, isDNS1123Label(s.container)));
      return [...errs, ...validateResourceTarget(s.target ?? {}, `${p}.target`)];
    }
  }
}

function validateMetricSpec(spec: MetricSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = spec.type ?? "";
  if (!type) errs.push(required(`${path}.type`, "must specify a metric source type"));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  // Only the first populated source is checked in depth, as upstream does.
  const present = (["object", "external", "pods", "resource", "containerResource"] as const).filter((f) => spec[f] != null);
  if (present.length) errs.push(...validateSource(spec, present[0], path));
  const expected = SOURCE_FIELDS[type as keyof typeof SOURCE_FIELDS];
  if (expected && spec[expected] == null) errs.push(required(`${path}.${expected}`, "must populate information for the given metric source"));
  if (present.length !== 1) {
    for (const f of present.filter((f) => f !== expected).sort()) errs.push(forbidden(`${path}.${f}`, "must populate the given metric source only"));
  }
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined, path: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w != null && w < 0) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, "must be greater than or equal to zero"));
  if (w != null && w > MAX_STABILIZATION_WINDOW_SECONDS) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  if (rules.selectPolicy != null && !["Max", "Min", "Disabled"].includes(rules.selectPolicy)) {
    errs.push(notSupported(`${path}.selectPolicy`, rules.selectPolicy, ["Disabled", "Max", "Min"]));
  }
  if (!rules.policies?.length) errs.push(required(`${path}.policies`, "must specify at least one Policy"));
  (rules.policies ?? []).forEach((p, i) => {
    const pp = `${path}.policies[${i}]`;
    if (p.type !== "Pods" && p.type !== "Percent") errs.push(notSupported(`${pp}.type`, p.type ?? "", ["Percent", "Pods"]));
    if (!(p.value > 0)) errs.push(invalid(`${pp}.value`, p.value ?? 0, "must be greater than zero"));
    if (!(p.periodSeconds > 0)) errs.push(invalid(`${pp}.periodSeconds`, p.periodSeconds ?? 0, "must be greater than zero"));
    if (p.periodSeconds > MAX_PERIOD_SECONDS) errs.push(invalid(`${pp}.periodSeconds`, p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler, ctx: ValidationContext): FieldError[] {
  const spec: Partial<HorizontalPodAutoscaler["spec"]> = hpa.spec ?? {};
  const errs: FieldError[] = [];
  // Scale-to-zero is alpha upstream; an object already stored with 0 may keep it.
  const lowerBound = ctx.old?.spec?.minReplicas === 0 ? 0 : 1;
  const min = spec.minReplicas;
  const max = spec.maxReplicas ?? 0;
  if (min != null && min < lowerBound) errs.push(invalid("spec.minReplicas", min, `must be greater than or equal to ${lowerBound}`));
  if (max < 1) errs.push(invalid("spec.maxReplicas", max, "must be greater than 0"));
  if (min != null && max < min) errs.push(invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, "spec.scaleTargetRef"));
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetricSpec(m, `spec.metrics[${i}]`)));
  if (min === 0 && !(spec.metrics ?? []).some((m) => m.type === "Object" || m.type === "External")) {
    errs.push(forbidden("spec.metrics", "must specify at least one Object or External metric to support scaling to zero replicas"));
  }
  if (spec.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, "spec.behavior.scaleUp"));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, "spec.behavior.scaleDown"));
  }
  return errs;
}
