// When a pod must leave a node with NoExecute taints: at once if some taint is not tolerated, after the shortest
// tolerationSeconds (counted from when each taint was added) if all are, never if no tolerating toleration is
// time-limited. Matching follows core/v1 Toleration semantics.
import type { Taint, Toleration } from "kubernetes-types/core/v1";

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === "Exists") return true;
  // An empty operator means Equal.
  return (t.operator ?? "Equal") === "Equal" && (t.value ?? "") === (taint.value ?? "");
}

/**
 * The time (ms) the pod should be evicted at, or undefined for never. `since` stands in for taints without a
 * timeAdded: when this controller first saw the pod under them.
 */
export function evictionTime(taints: Taint[], tolerations: Toleration[], since: number): number | undefined {
  let at = Infinity;
  for (const taint of taints) {
    const used = tolerations.find((t) => tolerates(t, taint));
    // Not tolerated at all: due now.
    if (!used) return 0;
    if (used.tolerationSeconds == null) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : since;
    at = Math.min(at, added + Math.max(0, used.tolerationSeconds) * 1000);
  }
  return Number.isFinite(at) ? at : undefined;
}
