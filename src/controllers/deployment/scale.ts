// Resizing ReplicaSets: one at a time with a ScalingReplicaSet event, and proportionally across all active ones
// when the Deployment is resized in the middle of a rollout.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { DeploymentEnv } from "./env.ts";
import { MAX_REPLICAS, replicasAnnotation, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from "./annotations.ts";
import { maxSurge } from "./surge.ts";
import { bySizeNewerFirst, bySizeOlderFirst, findActiveOrLatest, isActive, isSaturated, replicasOf, specTotal } from "./replicasets.ts";

export interface ScaleResult {
  scaled: boolean;
  rs: ReplicaSet;
}

/** Sets spec.replicas (no write when it already is `size`), recording the event. */
export function scaleReplicaSet(env: DeploymentEnv, d: Deployment, rs: ReplicaSet, size: number): Promise<ScaleResult> {
  if (replicasOf(rs) === size) return Promise.resolve({ scaled: false, rs });
  return resizeReplicaSet(env, d, rs, size);
}

/** Sets spec.replicas and the desired/max replicas annotations for the Deployment's current size. */
async function resizeReplicaSet(env: DeploymentEnv, d: Deployment, rs: ReplicaSet, size: number): Promise<ScaleResult> {
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  const from = replicasOf(rs);
  if (from === size && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec = { ...copy.spec!, replicas: size };
  setReplicasAnnotations(copy, desired, max);
  // A stale cached copy fails on its resourceVersion, and the sync retries with fresh state.
  const updated = await env.replicasets.update(copy);
  if (from === size) return { scaled: false, rs: updated };
  const direction = from < size ? "up" : "down";
  env.recorder.event(d, "Normal", "ScalingReplicaSet", `Scaled ${direction} replica set ${rs.metadata!.name} from ${from} to ${size}`);
  return { scaled: true, rs: updated };
}

/**
 * Brings the ReplicaSets to the Deployment's size without rolling anything out: all replicas to the only active
 * ReplicaSet; none to old ones once the new one is saturated; otherwise, during a rolling update, spreads the
 * difference over the active ReplicaSets in proportion to their sizes.
 */
export async function scale(env: DeploymentEnv, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    await scaleReplicaSet(env, d, only, replicasOf(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of oldRSs.filter(isActive)) await scaleReplicaSet(env, d, old, 0);
    return;
  }
  if ((d.spec?.strategy?.type ?? "RollingUpdate") !== "RollingUpdate") return;

  const active = [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specTotal(active);
  if (toAdd > 0) active.sort(bySizeNewerFirst);
  else if (toAdd < 0) active.sort(bySizeOlderFirst);

  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of active) {
    const share = toAdd === 0 ? 0 : proportion(d, rs, toAdd, added);
    sizes.set(rs, replicasOf(rs) + share);
    added += share;
  }
  // Rounding leftovers go to the largest ReplicaSet.
  if (toAdd !== 0 && active.length) sizes.set(active[0], Math.max(0, sizes.get(active[0])! + toAdd - added));
  for (const rs of active) await resizeReplicaSet(env, d, rs, sizes.get(rs)!);
}

/** The ReplicaSet's share of `toAdd` (negative to remove), never beyond what is left to add or remove. */
function proportion(d: Deployment, rs: ReplicaSet, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === added) return 0;
  const fraction = shareOfNewSize(d, rs);
  const left = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
}

/**
 * How many replicas the ReplicaSet gains (or loses) if its size keeps its proportion of the Deployment's maximum:
 * from the max-replicas it was last sized for to the Deployment's current maximum.
 */
function shareOfNewSize(d: Deployment, rs: ReplicaSet): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const newMax = replicasOf(d) + maxSurge(d);
  // Without the annotation, the Deployment's current size is the best guess of what it was sized for.
  const oldMax = replicasAnnotation(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (oldMax === 0) return 0;
  return roundHalfAway((replicasOf(rs) * newMax) / oldMax) - replicasOf(rs);
}

const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));
