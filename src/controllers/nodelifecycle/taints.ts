// The taints this controller owns: node.kubernetes.io/not-ready while the node reports Ready=False, and
// node.kubernetes.io/unreachable while its Ready condition is Unknown, each as NoSchedule (keep new pods off) and
// NoExecute (evict pods that do not tolerate it). While evictions are stopped (master disruption, see
// disruption.ts) only the NoSchedule one is kept. Every other taint on the node is left exactly as it is.
import type { Taint } from "kubernetes-types/core/v1";
import { metaTime } from "../../util/time.ts";

export const NOT_READY_TAINT = "node.kubernetes.io/not-ready";
export const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
const EFFECTS = ["NoSchedule", "NoExecute"] as const;

const isOurs = (t: Taint): boolean => (t.key === NOT_READY_TAINT || t.key === UNREACHABLE_TAINT) && (EFFECTS as readonly string[]).includes(t.effect);

/** The taint key a Ready condition status calls for, if any. */
function keyFor(readyStatus: string | undefined): string | undefined {
  if (readyStatus === "False") return NOT_READY_TAINT;
  if (readyStatus === "Unknown") return UNREACHABLE_TAINT;
  return undefined;
}

/**
 * The node's taints with ours matching its Ready status, or undefined when they already do. With `noExecute` false
 * our NoExecute taints go and only the NoSchedule one is wanted.
 */
export function reconcileTaints(current: Taint[], readyStatus: string | undefined, now: Date, noExecute = true): Taint[] | undefined {
  const key = keyFor(readyStatus);
  const effects = noExecute ? EFFECTS : EFFECTS.filter((e) => e !== "NoExecute");
  const wanted = key ? effects.map((effect) => ({ key, effect })) : [];
  const has = (w: { key: string; effect: string }) => current.some((t) => t.key === w.key && t.effect === w.effect);
  const stale = current.filter((t) => isOurs(t) && !wanted.some((w) => w.key === t.key && w.effect === t.effect));
  const missing = wanted.filter((w) => !has(w));
  if (!stale.length && !missing.length) return undefined;
  const timeAdded = metaTime(now);
  return [...current.filter((t) => !stale.includes(t)), ...missing.map((w) => ({ ...w, timeAdded }))];
}
