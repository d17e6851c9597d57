// A Deployment's status from its ReplicaSets, and writing it (with the revision annotation that goes with it).
import type { Deployment, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1";
import { isDeepStrictEqual } from "node:util";
import type { DeploymentEnv } from "./env.ts";
import { REVISION } from "./annotations.ts";
import { maxUnavailable } from "./surge.ts";
import { replicasOf, specTotal, statusTotal } from "./replicasets.ts";
import { AVAILABLE, newCondition, Reason, setCondition } from "./conditions.ts";

export function calculateStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const available = statusTotal(allRSs, "availableReplicas");
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: statusTotal(allRSs, "replicas"),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: statusTotal(allRSs, "readyReplicas"),
    availableReplicas: available,
    // More can be available than wanted while scaling down.
    unavailableReplicas: Math.max(0, specTotal(allRSs) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions: d.status?.conditions ? [...d.status.conditions] : undefined,
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, "True", Reason.minimumReplicasAvailable, "Deployment has minimum availability.", now));
  } else {
    setCondition(status, newCondition(AVAILABLE, "False", Reason.minimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
  }
  return status;
}

/** Status equality as upstream compares structs: absent counts and empty lists equal zero values. */
export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const norm = (s: DeploymentStatus | undefined) => ({
    observedGeneration: s?.observedGeneration ?? 0,
    replicas: s?.replicas ?? 0,
    updatedReplicas: s?.updatedReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    unavailableReplicas: s?.unavailableReplicas ?? 0,
    collisionCount: s?.collisionCount,
    conditions: s?.conditions ?? [],
  });
  return isDeepStrictEqual(norm(a), norm(b));
}

/** Writes status only when it changed. */
export async function syncDeploymentStatus(env: DeploymentEnv, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, env.now());
  if (sameStatus(d.status, status)) return;
  d.status = status;
  await writeStatus(env, d);
}

/** Writes d.status; d then carries the new resourceVersion, so later writes of the same sync do not conflict. */
export async function writeStatus(env: DeploymentEnv, d: Deployment): Promise<void> {
  const updated = await env.deployments.updateStatus(d);
  d.metadata = { ...d.metadata, resourceVersion: updated.metadata?.resourceVersion };
}

/**
 * Sets the Deployment's revision annotation. Upstream writes it along with status; this API server's status
 * subresource keeps metadata as stored, so it goes through the main resource, guarded by resourceVersion.
 */
export async function setDeploymentRevision(env: DeploymentEnv, d: Deployment, revision: string): Promise<void> {
  if (d.metadata?.annotations?.[REVISION] === revision) return;
  const patch = { metadata: { annotations: { [REVISION]: revision }, resourceVersion: d.metadata?.resourceVersion } };
  const updated = await env.deployments.patch(d.metadata!.namespace, d.metadata!.name!, patch, "merge");
  d.metadata = { ...d.metadata, annotations: updated.metadata?.annotations, resourceVersion: updated.metadata?.resourceVersion };
}
