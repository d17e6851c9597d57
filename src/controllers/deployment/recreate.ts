// Recreate: scale every old ReplicaSet to zero, wait until none of their pods is left running, then bring up the
// new ReplicaSet at full size.
import type { Pod } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { ReconcileResult } from "../controller.ts";
import type { DeploymentEnv } from "./env.ts";
import { replicaSetsOf } from "./new-replicaset.ts";
import { scaleReplicaSet } from "./scale.ts";
import { isActive, replicasOf, statusTotal } from "./replicasets.ts";
import { deploymentComplete, syncRolloutStatus } from "./progress.ts";
import { cleanupOldReplicaSets } from "./cleanup.ts";

/** `podsByRS` maps ReplicaSet uids to the pods they control. */
export async function rolloutRecreate(env: DeploymentEnv, d: Deployment, rsList: ReplicaSet[], podsByRS: Map<string, Pod[]>): Promise<ReconcileResult | void> {
  // No new ReplicaSet yet: creating it now would scale up before the old pods are gone.
  let { newRS, oldRSs } = await replicaSetsOf(env, d, rsList, false);
  const all = () => [...oldRSs, ...(newRS ? [newRS] : [])];
  let scaledDown = false;
  for (const rs of oldRSs.filter(isActive)) if ((await scaleReplicaSet(env, d, rs, 0)).scaled) scaledDown = true;
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podsByRS)) return syncRolloutStatus(env, all(), newRS, d);

  if (!newRS) ({ newRS, oldRSs } = await replicaSetsOf(env, d, rsList, true));
  await scaleReplicaSet(env, d, newRS!, replicasOf(d));
  if (deploymentComplete(d, d.status ?? {})) await cleanupOldReplicaSets(env, oldRSs, d);
  return syncRolloutStatus(env, all(), newRS, d);
}

/** Old ReplicaSets still report pods, or some old pod has not finished (Unknown counts as running). */
function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podsByRS: Map<string, Pod[]>): boolean {
  if (statusTotal(oldRSs, "replicas") > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (uid === newRS?.metadata?.uid) continue;
    if (pods.some((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed")) return true;
  }
  return false;
}
