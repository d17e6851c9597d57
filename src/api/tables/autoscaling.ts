// `kubectl get horizontalpodautoscalers`: TARGETS is "current/target" per metric, at most two then "+ N more...".
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from "kubernetes-types/autoscaling/v2";
import type { TableDef } from "../scheme.ts";
import { age, ageColumn, column, nameColumn, quantity } from "./format.ts";

/** A Quantity pointer printed as upstream's String() does, nil included. */
const q = (v: string | number | undefined): string => (v === undefined ? "<nil>" : quantity(v));
const percent = (n: number | undefined, otherwise: string): string => (n === undefined ? otherwise : `${n}%`);

/** Value or average-value metrics (external, object): "(avg)" marks averages. */
function valueMetric(target: MetricTarget | undefined, current: MetricValueStatus | undefined): string {
  if (target?.averageValue !== undefined) {
    const cur = current?.averageValue !== undefined ? q(current.averageValue) : "<unknown>";
    return `${cur}/${q(target.averageValue)} (avg)`;
  }
  return `${current ? q(current.value) : "<unknown>"}/${q(target?.value)}`;
}

/** Resource metrics: an average value, or a utilization ("<auto>" target when unset). */
function utilizationMetric(target: MetricTarget | undefined, current: MetricValueStatus | undefined): string {
  if (target?.averageValue !== undefined) return `${current ? q(current.averageValue) : "<unknown>"}/${q(target.averageValue)}`;
  return `${percent(current?.averageUtilization, "<unknown>")}/${percent(target?.averageUtilization, "<auto>")}`;
}

function metric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case "External": return valueMetric(spec.external?.target, status?.external?.current);
    case "Object": return valueMetric(spec.object?.target, status?.object?.current);
    case "Pods": return `${status?.pods ? q(status.pods.current.averageValue) : "<unknown>"}/${q(spec.pods?.target.averageValue)}`;
    case "Resource": return `${spec.resource?.name ?? ""}: ${utilizationMetric(spec.resource?.target, status?.resource?.current)}`;
    case "ContainerResource": return utilizationMetric(spec.containerResource?.target, status?.containerResource?.current);
    default: return "<unknown type>";
  }
}

export function formatHPAMetrics(specs: readonly MetricSpec[] | undefined, statuses: readonly MetricStatus[] | undefined): string {
  if (!specs?.length) return "<none>";
  const max = 2;
  // Statuses pair with specs by position, as upstream pairs them.
  const list = specs.map((s, i) => metric(s, statuses?.[i]));
  const shown = list.slice(0, max).join(", ");
  return list.length > max ? `${shown} + ${list.length - max} more...` : shown;
}

export const horizontalPodAutoscalerTable: TableDef = {
  columns: [
    nameColumn,
    column("Reference", "string", "The scaled resource (kind/name)."),
    column("Targets", "string", "Current and target values of each metric."),
    column("MinPods", "string", "The lower limit for the number of replicas."),
    column("MaxPods", "string", "The upper limit for the number of replicas."),
    column("Replicas", "string", "The current number of replicas."),
    ageColumn,
  ],
  cells: (hpa: HorizontalPodAutoscaler, now: Date) => [
    hpa.metadata?.name ?? "",
    `${hpa.spec?.scaleTargetRef?.kind ?? ""}/${hpa.spec?.scaleTargetRef?.name ?? ""}`,
    formatHPAMetrics(hpa.spec?.metrics, hpa.status?.currentMetrics),
    hpa.spec?.minReplicas !== undefined ? String(hpa.spec.minReplicas) : "<unset>",
    hpa.spec?.maxReplicas ?? 0,
    hpa.status?.currentReplicas ?? 0,
    age(hpa.metadata, now),
  ],
};
