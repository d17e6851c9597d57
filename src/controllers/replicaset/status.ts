// A ReplicaSet's status from the pods it owns, and writing it back only when something changed.
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import type { ResourceClient } from "../../client/rest-client.ts";
import { isDeepStrictEqual } from "node:util";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";
import { isPodAvailable, isPodReady } from "../pod-util.ts";
import { metaTime } from "../../util/time.ts";

const REPLICA_FAILURE = "ReplicaFailure";

/** `manageError` is the failure of this sync's creates or deletes, reported as the ReplicaFailure condition. */
export function calculateStatus(rs: ReplicaSet, pods: Pod[], manageError: Error | undefined, now: Date): ReplicaSetStatus {
  const templateLabels = labelSelectorMatcher({ matchLabels: rs.spec?.template?.metadata?.labels ?? {} });
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  let conditions = rs.status?.conditions;
  const failure = conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    const cond: ReplicaSetCondition = { type: REPLICA_FAILURE, status: "True", lastTransitionTime: metaTime(now), reason, message: manageError.message };
    conditions = [...(conditions ?? []), cond];
  } else if (!manageError && failure) {
    conditions = conditions!.filter((c) => c.type !== REPLICA_FAILURE);
  }
  return {
    ...rs.status,
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    conditions: conditions?.length ? conditions : undefined,
  };
}

/** Writes the status unless the cached one already says it (and observed this generation); one retry on conflict. */
export async function updateStatus(client: ResourceClient<ReplicaSet>, rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSet> {
  const cur = rs.status ?? { replicas: 0 };
  const generation = rs.metadata?.generation ?? 0;
  if (
    (cur.replicas ?? 0) === status.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === status.fullyLabeledReplicas &&
    (cur.readyReplicas ?? 0) === status.readyReplicas &&
    (cur.availableReplicas ?? 0) === status.availableReplicas &&
    (cur.observedGeneration ?? 0) === generation &&
    isDeepStrictEqual(cur.conditions ?? [], status.conditions ?? [])
  ) return rs;
  const next = { ...status, observedGeneration: generation };
  try {
    return await client.updateStatus({ ...rs, status: next });
  } catch {
    const fresh = await client.get(rs.metadata!.namespace, rs.metadata!.name!);
    // Still the generation this sync acted on, even if the spec moved on meanwhile.
    return client.updateStatus({ ...fresh, status: next });
  }
}
