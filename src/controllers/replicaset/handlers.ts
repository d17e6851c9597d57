// Informer events to ReplicaSet keys: a pod wakes its controlling ReplicaSet (and settles its expectations), an
// orphan pod wakes every ReplicaSet that could adopt it.
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { isDeepStrictEqual } from "node:util";
import { keyOf } from "../../client/rest-client.ts";
import { objectOf } from "../../client/informer.ts";
import type { DeletedFinalStateUnknown, InformerHandlers } from "../../client/informer.ts";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";
import { controllerRefOf, isPodReady } from "../pod-util.ts";
import { BY_NAMESPACE } from "./env.ts";
import type { ReplicaSetEnv } from "./env.ts";

export type Enqueue = (key: string, afterMs?: number) => void;

export function replicaSetHandlers(env: ReplicaSetEnv, enqueue: Enqueue): InformerHandlers<ReplicaSet> {
  return {
    onAdd: (rs) => enqueue(keyOf(rs)),
    onUpdate: (_old, rs) => enqueue(keyOf(rs)),
    onDelete: (obj) => {
      const key = keyOf(objectOf(obj));
      // A ReplicaSet created again under this name starts with no expectations.
      env.expectations.delete(key);
      enqueue(key);
    },
  };
}

export function podHandlers(env: ReplicaSetEnv, enqueue: Enqueue): InformerHandlers<Pod> {
  const ownerOf = (pod: Pod, ref: OwnerReference | undefined): ReplicaSet | undefined => {
    if (ref?.kind !== "ReplicaSet") return undefined;
    const rs = env.rsCache.getByName(pod.metadata?.namespace, ref.name);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  };
  const enqueueAdopters = (pod: Pod) => {
    for (const rs of env.rsCache.byIndex(BY_NAMESPACE, pod.metadata?.namespace ?? "")) {
      if (canSelect(rs, pod)) enqueue(keyOf(rs));
    }
  };
  const onDelete = (obj: Pod | DeletedFinalStateUnknown<Pod>) => {
    const pod = objectOf(obj);
    const rs = ownerOf(pod, controllerRefOf(pod));
    if (!rs) return;
    const key = keyOf(rs);
    env.expectations.deletionObserved(key, keyOf(pod));
    enqueue(key);
  };
  return {
    onAdd: (pod) => {
      // A pod seen first while terminating (e.g. after a relist) counts as deleted.
      if (pod.metadata?.deletionTimestamp) return onDelete(pod);
      const rs = ownerOf(pod, controllerRefOf(pod));
      if (rs) {
        env.expectations.creationObserved(keyOf(rs));
        enqueue(keyOf(rs));
      } else if (!controllerRefOf(pod)) {
        enqueueAdopters(pod);
      }
    },
    onUpdate: (old, pod) => {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      const labelsChanged = !isDeepStrictEqual(old.metadata?.labels ?? {}, pod.metadata?.labels ?? {});
      if (pod.metadata?.deletionTimestamp) {
        // Terminating pods no longer count: the deletion is as good as done. With changed labels the old
        // ReplicaSet may have to hear of it too.
        onDelete(pod);
        if (labelsChanged) onDelete(old);
        return;
      }
      const oldRef = controllerRefOf(old);
      const ref = controllerRefOf(pod);
      const refChanged = !isDeepStrictEqual(oldRef, ref);
      if (refChanged && oldRef) {
        const previous = ownerOf(old, oldRef);
        if (previous) enqueue(keyOf(previous));
      }
      if (ref) {
        const rs = ownerOf(pod, ref);
        if (!rs) return;
        enqueue(keyOf(rs));
        // Nothing else will say when a newly ready pod becomes available; the extra second absorbs clock skew.
        const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
        if (minReadySeconds > 0 && !isPodReady(old) && isPodReady(pod)) enqueue(keyOf(rs), (minReadySeconds + 1) * 1000);
        return;
      }
      if (labelsChanged || refChanged) enqueueAdopters(pod);
    },
    onDelete,
  };
}

/** Whether the ReplicaSet's selector picks the pod; an empty or invalid selector picks nothing. */
function canSelect(rs: ReplicaSet, pod: Pod): boolean {
  try {
    const selector = labelSelectorMatcher(rs.spec?.selector);
    return !selector.empty && selector.matches(pod.metadata?.labels);
  } catch {
    return false;
  }
}
