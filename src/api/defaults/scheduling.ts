// Upstream's scheduling/v1 defaults.
import type { PriorityClass } from "kubernetes-types/scheduling/v1";

export function defaultPriorityClass(pc: PriorityClass): void {
  pc.preemptionPolicy ??= "PreemptLowerPriority";
}
