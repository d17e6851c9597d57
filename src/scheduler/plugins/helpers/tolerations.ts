// Taints and tolerations as upstream matches them.
import type { Taint, Toleration } from "kubernetes-types/core/v1";

/** An empty toleration effect matches every effect; an empty key with Exists matches every taint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator || "Equal") {
    case "Exists": return true;
    case "Equal": return (t.value ?? "") === (taint.value ?? "");
    default: return false;
  }
}

export const toleratedBy = (tolerations: readonly Toleration[] | undefined, taint: Taint): boolean =>
  !!tolerations && tolerations.some((t) => tolerates(t, taint));

/** The first taint with one of `effects` that no toleration tolerates. */
export function firstUntolerated(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined, effects: (effect: string) => boolean): Taint | undefined {
  for (const taint of taints) if (effects(taint.effect) && !toleratedBy(tolerations, taint)) return taint;
  return undefined;
}

export const isNoScheduleOrNoExecute = (effect: string): boolean => effect === "NoSchedule" || effect === "NoExecute";
