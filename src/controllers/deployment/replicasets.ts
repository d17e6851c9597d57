// Sorting a Deployment's ReplicaSets: which one is new (its template is the Deployment's), which are old, and
// the sums and orders the rollout logic works with.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { equalIgnoringHash } from "./hash.ts";
import { DESIRED_REPLICAS, replicasAnnotation } from "./annotations.ts";

export const replicasOf = (o: { spec?: { replicas?: number } }): number => o.spec?.replicas ?? 1;
export const isActive = (rs: ReplicaSet): boolean => replicasOf(rs) > 0;

/** Total spec.replicas. */
export const specTotal = (rss: ReplicaSet[]): number => rss.reduce((n, rs) => n + replicasOf(rs), 0);

type StatusCount = "replicas" | "readyReplicas" | "availableReplicas";
export const statusTotal = (rss: ReplicaSet[], field: StatusCount): number => rss.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);

/** Oldest first; by name for equal times. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = a.metadata?.creationTimestamp ?? "";
  const tb = b.metadata?.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata?.name ?? "";
  const nb = b.metadata?.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Larger first; equal sizes older first (to scale down the older ones first). */
export const bySizeOlderFirst = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(a, b);
/** Larger first; equal sizes newer first (to scale up the newer ones first). */
export const bySizeNewerFirst = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(b, a);

/** The oldest ReplicaSet whose template is the Deployment's (there can be more after a hash collision). */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoringHash(rs.spec?.template, d.spec?.template));
}

/** A ReplicaSet sized exactly for the Deployment and fully available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = replicasOf(d);
  return replicasOf(rs) === want && replicasAnnotation(rs, DESIRED_REPLICAS) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/**
 * The one ReplicaSet to give all replicas to when no rollout is running: the only active one, or, with none
 * active, the new one or else the newest old one. Undefined while several are active.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  const active = [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive);
  if (active.length === 1) return active[0];
  if (active.length > 1) return undefined;
  return newRS ?? [...oldRSs].sort(byCreation).at(-1);
}
