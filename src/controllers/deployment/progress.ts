// Rollout progress on the Progressing condition: complete, progressing, or stuck past progressDeadlineSeconds;
// paused and resumed; ReplicaSet failures surfaced as the Deployment's ReplicaFailure condition.
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1";
import type { ReconcileResult } from "../controller.ts";
import type { DeploymentEnv } from "./env.ts";
import { replicasOf } from "./replicasets.ts";
import { calculateStatus, sameStatus, writeStatus } from "./status.ts";
import { getCondition, hasProgressDeadline, newCondition, PROGRESSING, Reason, removeCondition, REPLICA_FAILURE, setCondition } from "./conditions.ts";

/** Every replica updated and available, and the current generation observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (status.updatedReplicas ?? 0) === want && (status.replicas ?? 0) === want && (status.availableReplicas ?? 0) === want &&
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** Any sign of progress since the stored status: more updated, ready or available pods, or fewer old ones. */
function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, PROGRESSING);
  // A completed rollout is not timed out, even if the cache has not yet seen the next rollout start.
  if (!cond || cond.reason === Reason.newReplicaSetAvailable) return false;
  if (cond.reason === Reason.progressDeadlineExceeded) return true;
  return deadlineOf(d, cond) < now.getTime();
}

const deadlineOf = (d: Deployment, cond: DeploymentCondition): number =>
  Date.parse(cond.lastUpdateTime ?? "") + (d.spec?.progressDeadlineSeconds ?? 0) * 1000;

/** Status for a sync that may have rolled something out: the Progressing estimate on top of the plain status. */
export async function syncRolloutStatus(env: DeploymentEnv, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<ReconcileResult | void> {
  const now = env.now();
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const alreadyComplete = status.replicas === status.updatedReplicas && current?.reason === Reason.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !alreadyComplete) {
    const rsName = newRS?.metadata?.name;
    if (deploymentComplete(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata!.name}" has successfully progressed.`;
      setCondition(status, newCondition(PROGRESSING, "True", Reason.newReplicaSetAvailable, msg, now));
    } else if (deploymentProgressing(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata!.name}" is progressing.`;
      // Progress moves lastUpdateTime even when the reason stays, which setCondition alone would not do.
      const cond = newCondition(PROGRESSING, "True", Reason.replicaSetUpdated, msg, now);
      if (current?.status === "True") cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, PROGRESSING);
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata!.name}" has timed out progressing.`;
      setCondition(status, newCondition(PROGRESSING, "False", Reason.progressDeadlineExceeded, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, REPLICA_FAILURE);

  if (sameStatus(d.status, status)) return stuckRecheck(d, status, now);
  d.status = status;
  await writeStatus(env, d);
}

/** The new ReplicaSet's ReplicaFailure condition, else an old one's. */
function replicaFailure(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  const failed = (rs: ReplicaSet | undefined) => rs?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  const cond = failed(newRS) ?? allRSs.map(failed).find((c) => c !== undefined);
  if (!cond) return undefined;
  const { type, status, reason, message, lastTransitionTime } = cond;
  return { type, status, reason, message, lastTransitionTime, lastUpdateTime: lastTransitionTime };
}

/**
 * Nothing changed, but a stuck rollout must be looked at again when its deadline passes, since no event will
 * come; one more second absorbs clock skew.
 */
function stuckRecheck(d: Deployment, status: DeploymentStatus, now: Date): ReconcileResult | void {
  const cond = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond) return;
  if (deploymentComplete(d, status) || cond.reason === Reason.progressDeadlineExceeded) return;
  return { requeueAfter: Math.max(0, deadlineOf(d, cond) - now.getTime()) + 1000 };
}

/** Marks pausing and resuming on the Progressing condition, so a resumed rollout does not count paused time. */
export async function checkPausedConditions(env: DeploymentEnv, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, PROGRESSING);
  // A reported timeout stays until the rollout moves again.
  if (cond?.reason === Reason.progressDeadlineExceeded) return;
  const pausedMarked = cond?.reason === Reason.paused;
  const paused = !!d.spec?.paused;
  if (paused === pausedMarked) return;
  const status = (d.status ??= {});
  if (paused) setCondition(status, newCondition(PROGRESSING, "Unknown", Reason.paused, "Deployment is paused", env.now()));
  else setCondition(status, newCondition(PROGRESSING, "Unknown", Reason.resumed, "Deployment is resumed", env.now()));
  await writeStatus(env, d);
}
