// Which pods a ReplicaSet deletes first when scaling down: the least useful ones, ranked as upstream's
// ActivePodsWithRanks (with LogarithmicScaleDown and PodDeletionCost, both on by default in 1.32).
import type { Pod } from "kubernetes-types/core/v1";
import { isPodActive, isPodReady, podReadySince } from "../pod-util.ts";

const DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";
const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

interface Ranked {
  pod: Pod;
  /** How many related active pods share this pod's node: crowded nodes give up pods first. */
  colocated: number;
}

/**
 * The `count` pods to delete. `related` are the active pods of every ReplicaSet with the same controller
 * (a Deployment's other ReplicaSets), which decide how crowded each node is.
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, now: Date): Pod[] {
  if (count >= pods.length) return pods;
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(nodeOf(p), (onNode.get(nodeOf(p)) ?? 0) + 1);
  const ranked: Ranked[] = pods.map((pod) => ({ pod, colocated: onNode.get(nodeOf(pod)) ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, now.getTime()));
  return ranked.slice(0, count).map((r) => r.pod);
}

const nodeOf = (p: Pod): string => p.spec?.nodeName ?? "";

/** Negative when `a` should go before `b`. */
function compareForDeletion(a: Ranked, b: Ranked, now: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = nodeOf(pa);
  const nb = nodeOf(pb);
  if (na !== nb && (na === "" || nb === "")) return na === "" ? -1 : 1;
  const phase = (PHASE_ORDER[pa.status?.phase ?? ""] ?? 0) - (PHASE_ORDER[pb.status?.phase ?? ""] ?? 0);
  if (phase) return phase;
  const readyA = isPodReady(pa);
  const readyB = isPodReady(pb);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const cost = deletionCost(pa) - deletionCost(pb);
  if (cost) return cost;
  if (a.colocated !== b.colocated) return b.colocated - a.colocated;
  if (readyA && readyB) {
    const byReady = newerFirst(podReadySince(pa), podReadySince(pb), now, pa, pb);
    if (byReady) return byReady;
  }
  const restarts = compareRestarts(pa, pb);
  if (restarts) return restarts;
  return newerFirst(timeOf(pa.metadata?.creationTimestamp), timeOf(pb.metadata?.creationTimestamp), now, pa, pb);
}

const timeOf = (s: string | undefined): number | undefined => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/**
 * Unknown times first, then newer before older, compared by powers of two of their age so that pods of about the
 * same age are picked at random (by uid) rather than always the very newest.
 */
function newerFirst(ta: number | undefined, tb: number | undefined, now: number, pa: Pod, pb: Pod): number {
  if (ta === tb) return 0;
  if (ta === undefined || tb === undefined) return ta === undefined ? -1 : 1;
  const diff = ageBucket(ta, now) - ageBucket(tb, now);
  if (diff) return diff;
  const ua = pa.metadata?.uid ?? "";
  const ub = pb.metadata?.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** floor(log2(age in ns)), -1 for no age, as upstream's logarithmicRankDiff. */
function ageBucket(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/** More restarts first: regular containers, then sidecars (restartable init containers). */
function compareRestarts(pa: Pod, pb: Pod): number {
  const [ra, sa] = maxRestarts(pa);
  const [rb, sb] = maxRestarts(pb);
  return rb - ra || sb - sa;
}

function maxRestarts(pod: Pod): [regular: number, sidecar: number] {
  let regular = 0;
  for (const s of pod.status?.containerStatuses ?? []) regular = Math.max(regular, s.restartCount ?? 0);
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name));
  let sidecar = 0;
  for (const s of pod.status?.initContainerStatuses ?? []) if (sidecars.has(s.name)) sidecar = Math.max(sidecar, s.restartCount ?? 0);
  return [regular, sidecar];
}

function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}
