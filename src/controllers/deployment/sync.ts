// One sync of a Deployment: claim its ReplicaSets, then either only scale them (paused, or resized) or take one
// rollout step with its strategy, and report status.
import type { Pod } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";
import type { LabelMatcher } from "../../api/selectors/labels.ts";
import { logger } from "../../util/log.ts";
import type { ReconcileResult } from "../controller.ts";
import { BY_CONTROLLER, claim, claimCandidates, newControllerRef } from "../pod-util.ts";
import type { DeploymentEnv } from "./env.ts";
import { replicaSetsOf } from "./new-replicaset.ts";
import { scale } from "./scale.ts";
import { DESIRED_REPLICAS, replicasAnnotation } from "./annotations.ts";
import { isActive, replicasOf } from "./replicasets.ts";
import { syncDeploymentStatus, writeStatus } from "./status.ts";
import { checkPausedConditions } from "./progress.ts";
import { cleanupOldReplicaSets } from "./cleanup.ts";
import { rolloutRolling } from "./rolling.ts";
import { rolloutRecreate } from "./recreate.ts";

const log = logger("deployment-controller");

export async function syncDeployment(env: DeploymentEnv, key: string): Promise<ReconcileResult | void> {
  const cached = env.deploymentCache.get(key);
  if (!cached) return;
  // Steps below change the copy as they write, so later steps see earlier results.
  const d = structuredClone(cached);
  const selector = selectorOf(d);
  if (!selector) return;
  if (selector.empty) {
    env.recorder.event(d, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
    if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
      d.status = { ...d.status, observedGeneration: d.metadata?.generation };
      await writeStatus(env, d);
    }
    return;
  }
  const rsList = await claimReplicaSets(env, d, selector);
  if (d.metadata?.deletionTimestamp) return syncStatusOnly(env, d, rsList);

  await checkPausedConditions(env, d);
  if (d.spec?.paused || isScalingEvent(d, rsList)) return scaleOnly(env, d, rsList);
  if (d.spec?.strategy?.type === "Recreate") return rolloutRecreate(env, d, rsList, podsByReplicaSet(env, d, rsList, selector));
  return rolloutRolling(env, d, rsList);
}

function selectorOf(d: Deployment): LabelMatcher | undefined {
  try {
    return labelSelectorMatcher(d.spec?.selector);
  } catch (err) {
    log.error({ deployment: d.metadata?.name, err: (err as Error).message }, "invalid selector");
    return undefined;
  }
}

/** The Deployment's ReplicaSets, adopting matching orphans and releasing those that stopped matching. */
function claimReplicaSets(env: DeploymentEnv, d: Deployment, selector: LabelMatcher): Promise<ReplicaSet[]> {
  const ns = d.metadata!.namespace!;
  return claim(claimCandidates(env.rsCache, d), {
    owner: d,
    ownerRef: newControllerRef(d, "apps/v1", "Deployment"),
    selector,
    readOwner: () => env.deployments.get(ns, d.metadata!.name!),
    patch: (rs, patch) => env.replicasets.patch(ns, rs.metadata!.name!, patch, "strategic"),
  });
}

/** The Deployment's pods by the uid of the ReplicaSet that controls them. */
function podsByReplicaSet(env: DeploymentEnv, d: Deployment, rsList: ReplicaSet[], selector: LabelMatcher): Map<string, Pod[]> {
  return new Map(rsList.map((rs) => [rs.metadata!.uid!, env.podCache.byIndex(BY_CONTROLLER, rs.metadata!.uid!).filter((pod) => selector.matches(pod.metadata?.labels))]));
}

/** A being-deleted Deployment only reports status. */
async function syncStatusOnly(env: DeploymentEnv, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await replicaSetsOf(env, d, rsList, false);
  await syncDeploymentStatus(env, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
}

/** The Deployment was resized since some active ReplicaSet was last sized for it. */
function isScalingEvent(d: Deployment, rsList: ReplicaSet[]): boolean {
  return rsList.filter(isActive).some((rs) => {
    const desired = replicasAnnotation(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== replicasOf(d);
  });
}

/** Scaling without rollout progress: for paused Deployments and resizes. */
async function scaleOnly(env: DeploymentEnv, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await replicaSetsOf(env, d, rsList, false);
  await scale(env, d, newRS, oldRSs);
  if (d.spec?.paused) await cleanupOldReplicaSets(env, oldRSs, d);
  await syncDeploymentStatus(env, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
}
