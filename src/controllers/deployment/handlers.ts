// Informer events to Deployment keys: a ReplicaSet wakes its controlling Deployment, an orphan ReplicaSet every
// Deployment that could adopt it; a deleted pod wakes a Recreate Deployment waiting for old pods to go.
import type { Pod } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { isDeepStrictEqual } from "node:util";
import { keyOf } from "../../client/rest-client.ts";
import { objectOf } from "../../client/informer.ts";
import type { DeletedFinalStateUnknown, InformerHandlers } from "../../client/informer.ts";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";
import { controllerRefOf } from "../pod-util.ts";
import { BY_NAMESPACE } from "./env.ts";
import type { DeploymentEnv } from "./env.ts";

type Enqueue = (key: string) => void;

export function deploymentHandlers(enqueue: Enqueue): InformerHandlers<Deployment> {
  return {
    onAdd: (d) => enqueue(keyOf(d)),
    onUpdate: (_old, d) => enqueue(keyOf(d)),
    onDelete: (d) => enqueue(keyOf(objectOf(d))),
  };
}

export function replicaSetHandlers(env: DeploymentEnv, enqueue: Enqueue): InformerHandlers<ReplicaSet> {
  const ownerOf = (rs: ReplicaSet, ref: OwnerReference | undefined) => resolveOwner(env, rs.metadata?.namespace, ref);
  const enqueueAdopters = (rs: ReplicaSet) => {
    for (const d of env.deploymentCache.byIndex(BY_NAMESPACE, rs.metadata?.namespace ?? "")) if (canSelect(d, rs)) enqueue(keyOf(d));
  };
  const onDelete = (obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>) => {
    const rs = objectOf(obj);
    const d = ownerOf(rs, controllerRefOf(rs));
    if (d) enqueue(keyOf(d));
  };
  return {
    onAdd: (rs) => {
      if (rs.metadata?.deletionTimestamp) return onDelete(rs);
      const ref = controllerRefOf(rs);
      if (ref) {
        const d = ownerOf(rs, ref);
        if (d) enqueue(keyOf(d));
        return;
      }
      enqueueAdopters(rs);
    },
    onUpdate: (old, rs) => {
      if (old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
      const oldRef = controllerRefOf(old);
      const ref = controllerRefOf(rs);
      const refChanged = !isDeepStrictEqual(oldRef, ref);
      if (refChanged && oldRef) {
        const previous = ownerOf(old, oldRef);
        if (previous) enqueue(keyOf(previous));
      }
      if (ref) {
        const d = ownerOf(rs, ref);
        if (d) enqueue(keyOf(d));
        return;
      }
      const labelsChanged = !isDeepStrictEqual(old.metadata?.labels ?? {}, rs.metadata?.labels ?? {});
      if (labelsChanged || refChanged) enqueueAdopters(rs);
    },
    onDelete,
  };
}

export function podHandlers(env: DeploymentEnv, enqueue: Enqueue): InformerHandlers<Pod> {
  return {
    onDelete: (obj) => {
      const pod = objectOf(obj);
      const ns = pod.metadata?.namespace;
      const rsRef = controllerRefOf(pod);
      if (rsRef?.kind !== "ReplicaSet") return;
      const rs = env.rsCache.getByName(ns, rsRef.name);
      if (rs?.metadata?.uid !== rsRef.uid) return;
      const d = resolveOwner(env, ns, controllerRefOf(rs));
      if (d?.spec?.strategy?.type === "Recreate") enqueue(keyOf(d));
    },
  };
}

function resolveOwner(env: DeploymentEnv, namespace: string | undefined, ref: OwnerReference | undefined): Deployment | undefined {
  if (ref?.kind !== "Deployment") return undefined;
  const d = env.deploymentCache.getByName(namespace, ref.name);
  return d?.metadata?.uid === ref.uid ? d : undefined;
}

/** Whether the Deployment's selector picks the ReplicaSet; an empty or invalid selector picks nothing. */
function canSelect(d: Deployment, rs: ReplicaSet): boolean {
  try {
    const selector = labelSelectorMatcher(d.spec?.selector);
    return !selector.empty && selector.matches(rs.metadata?.labels);
  } catch {
    return false;
  }
}
