// One sync of a ReplicaSet: claim its pods, take one step toward spec.replicas unless earlier steps are still
// in flight, then report status.
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";
import type { LabelMatcher } from "../../api/selectors/labels.ts";
import { logger } from "../../util/log.ts";
import type { ReconcileResult } from "../controller.ts";
import { BY_CONTROLLER, claim, claimCandidates, controllerRefOf, isPodActive, newControllerRef } from "../pod-util.ts";
import { BY_OWNER } from "./env.ts";
import type { ReplicaSetEnv } from "./env.ts";
import { manageReplicas } from "./manage.ts";
import { calculateStatus, updateStatus } from "./status.ts";

const log = logger("replicaset-controller");

export async function syncReplicaSet(env: ReplicaSetEnv, key: string): Promise<ReconcileResult | void> {
  const rs = env.rsCache.get(key);
  if (!rs) {
    env.expectations.delete(key);
    return;
  }
  // Read before the pod cache: a pod observed after this point can only make the expectations more satisfied.
  const needsSync = env.expectations.satisfied(key);
  const selector = selectorOf(rs);
  if (!selector) return;
  const ns = rs.metadata!.namespace!;
  const active = claimCandidates(env.podCache, rs).filter(isPodActive);
  const pods = await claim(active, {
    owner: rs,
    ownerRef: newControllerRef(rs, "apps/v1", "ReplicaSet"),
    selector,
    readOwner: () => env.replicasets.get(ns, rs.metadata!.name!),
    patch: (pod, patch) => env.pods.patch(ns, pod.metadata!.name!, patch, "strategic"),
  });

  let manageError: Error | undefined;
  if (needsSync && !rs.metadata?.deletionTimestamp) {
    try {
      await manageReplicas(env, rs, pods, () => relatedPods(env, rs));
    } catch (err) {
      manageError = err as Error;
    }
  }
  const updated = await updateStatus(env.replicasets, rs, calculateStatus(rs, pods, manageError, env.now()));
  if (manageError) throw manageError;

  // Pods that are ready but not yet available become available without any event to say so.
  const replicas = updated.spec?.replicas ?? 1;
  const minReadySeconds = updated.spec?.minReadySeconds ?? 0;
  if (minReadySeconds > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
    return { requeueAfter: minReadySeconds * 1000 };
  }
}

/** An invalid selector cannot be fixed by retrying: the ReplicaSet waits for its next update. */
function selectorOf(rs: ReplicaSet): LabelMatcher | undefined {
  try {
    return labelSelectorMatcher(rs.spec?.selector);
  } catch (err) {
    log.error({ replicaset: rs.metadata?.name, err: (err as Error).message }, "invalid selector");
    return undefined;
  }
}

/**
 * Pods of every ReplicaSet with the same controller (a Deployment's ReplicaSets), this one included: they decide
 * which nodes are crowded when choosing pods to delete. A ReplicaSet without a controller has none. Pods are
 * claimed before they count, so a sibling's pods are those it controls.
 */
function relatedPods(env: ReplicaSetEnv, rs: ReplicaSet): Pod[] {
  const owner = controllerRefOf(rs);
  if (!owner) return [];
  const ns = rs.metadata!.namespace!;
  const related: Pod[] = [];
  for (const sibling of env.rsCache.byIndex(BY_OWNER, owner.uid)) {
    if (controllerRefOf(sibling)?.uid !== owner.uid || sibling.metadata?.namespace !== ns) continue;
    related.push(...env.podCache.byIndex(BY_CONTROLLER, sibling.metadata!.uid!).filter(isPodActive));
  }
  return related;
}
