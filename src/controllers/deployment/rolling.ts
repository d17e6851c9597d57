// RollingUpdate: grow the new ReplicaSet within maxSurge, shrink old ones within maxUnavailable, one step per sync.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { ReconcileResult } from "../controller.ts";
import type { DeploymentEnv } from "./env.ts";
import { newReplicaSetReplicas, replicaSetsOf } from "./new-replicaset.ts";
import { scaleReplicaSet } from "./scale.ts";
import { maxUnavailable } from "./surge.ts";
import { byCreation, isActive, replicasOf, specTotal, statusTotal } from "./replicasets.ts";
import { deploymentComplete, syncRolloutStatus } from "./progress.ts";
import { cleanupOldReplicaSets } from "./cleanup.ts";

export async function rolloutRolling(env: DeploymentEnv, d: Deployment, rsList: ReplicaSet[]): Promise<ReconcileResult | void> {
  const { newRS, oldRSs } = await replicaSetsOf(env, d, rsList, true);
  const allRSs = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(env, d, allRSs, newRS!)) return syncRolloutStatus(env, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(env, d, allRSs, oldRSs.filter(isActive), newRS!)) return syncRolloutStatus(env, allRSs, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupOldReplicaSets(env, oldRSs, d);
  return syncRolloutStatus(env, allRSs, newRS, d);
}

async function reconcileNewReplicaSet(env: DeploymentEnv, d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const want = replicasOf(d);
  if (replicasOf(newRS) === want) return false;
  const size = replicasOf(newRS) > want ? want : newReplicaSetReplicas(d, allRSs, newRS);
  return (await scaleReplicaSet(env, d, newRS, size)).scaled;
}

async function reconcileOldReplicaSets(env: DeploymentEnv, d: Deployment, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (specTotal(oldRSs) === 0) return false;
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  // Pods of the new ReplicaSet that are not available yet may never become so (bad image, no quota): they must
  // not count as available, or old pods would go without replacement.
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specTotal(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await scaleDownUnhealthy(env, d, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOld(env, d, [...cleaned.oldRSs, newRS], cleaned.oldRSs);
  return cleaned.count + scaledDown > 0;
}

/**
 * Removes old replicas that are not available first, oldest ReplicaSets first: they cost no availability, and
 * left alone they could block the rollout. Answers the ReplicaSets as updated and how many replicas went.
 */
async function scaleDownUnhealthy(env: DeploymentEnv, d: Deployment, oldRSs: ReplicaSet[], max: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let count = 0;
  for (let i = 0; i < sorted.length && count < max; i++) {
    const rs = sorted[i];
    const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
    const n = Math.min(max - count, unhealthy);
    sorted[i] = (await scaleReplicaSet(env, d, rs, replicasOf(rs) - n)).rs;
    count += n;
  }
  return { oldRSs: sorted, count };
}

/** Scales old ReplicaSets down, oldest first, as far as availability above replicas - maxUnavailable allows. */
async function scaleDownOld(env: DeploymentEnv, d: Deployment, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = statusTotal(allRSs, "availableReplicas");
  if (available <= minAvailable) return 0;
  const total = available - minAvailable;
  let done = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (done >= total) break;
    if (replicasOf(rs) === 0) continue;
    const n = Math.min(replicasOf(rs), total - done);
    await scaleReplicaSet(env, d, rs, replicasOf(rs) - n);
    done += n;
  }
  return done;
}
