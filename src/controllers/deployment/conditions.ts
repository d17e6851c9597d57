// Deployment conditions: the types and reasons kubectl and users read, and upstream's rules for setting them
// (a condition with the same status and reason is left alone; lastTransitionTime only moves with the status).
import type { Deployment, DeploymentCondition, DeploymentStatus } from "kubernetes-types/apps/v1";
import { metaTime } from "../../util/time.ts";

export const PROGRESSING = "Progressing";
export const AVAILABLE = "Available";
export const REPLICA_FAILURE = "ReplicaFailure";

export const Reason = {
  replicaSetUpdated: "ReplicaSetUpdated",
  replicaSetCreateError: "ReplicaSetCreateError",
  newReplicaSetCreated: "NewReplicaSetCreated",
  foundNewReplicaSet: "FoundNewReplicaSet",
  newReplicaSetAvailable: "NewReplicaSetAvailable",
  progressDeadlineExceeded: "ProgressDeadlineExceeded",
  paused: "DeploymentPaused",
  resumed: "DeploymentResumed",
  minimumReplicasAvailable: "MinimumReplicasAvailable",
  minimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

type ConditionStatus = "True" | "False" | "Unknown";

export function newCondition(type: string, status: ConditionStatus, reason: string, message: string, now: Date): DeploymentCondition {
  const t = metaTime(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

export const getCondition = (status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined =>
  status?.conditions?.find((c) => c.type === type);

export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = cur && cur.status === cond.status ? { ...cond, lastTransitionTime: cur.lastTransitionTime } : cond;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  status.conditions = rest.length ? rest : undefined;
}

/** No deadline when unset or at its "never" value (max int32). */
export const hasProgressDeadline = (d: Deployment): boolean => {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== 2147483647;
};
