// The scale subresource: an autoscaling/v1 Scale view of a workload's replicas, written back to its spec.
import type { KubeObject, ResourceType, ScaleSubresource } from "../../api/scheme.ts";
import { badRequest } from "../../api/errors.ts";
import { labelSelectorAsString } from "../../api/selectors/labels.ts";

function at(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function scaleOf(rt: ResourceType, obj: KubeObject): KubeObject {
  const scale = rt.scale as ScaleSubresource;
  const meta = obj.metadata ?? {};
  // The selector of apps/v1 workloads is spec.selector; Scale reports it in string form.
  const selector = (obj.spec as { selector?: unknown } | undefined)?.selector;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: (at(obj, scale.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: (at(obj, scale.statusReplicasPath) as number | undefined) ?? 0,
      ...(selector ? { selector: labelSelectorAsString(selector as never) } : {}),
    },
  };
}

/**
 * Writes a Scale's spec.replicas into the workload. The Scale's resourceVersion pins the workload's, and its uid
 * (if any) is carried over for the store to check as a precondition.
 */
export function applyScale(rt: ResourceType, cur: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas)) throw badRequest("spec.replicas: Required value");
  const next = structuredClone(cur);
  const path = (rt.scale as ScaleSubresource).specReplicasPath.split(".");
  let o = next as Record<string, unknown>;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]!] = replicas;
  const rv = scale.metadata?.resourceVersion;
  next.metadata = { ...next.metadata, resourceVersion: rv || undefined, ...(scale.metadata?.uid ? { uid: scale.metadata.uid } : {}) };
  return next;
}
