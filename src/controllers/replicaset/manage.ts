// One step of a ReplicaSet toward spec.replicas: create the missing pods in slow-start batches, or delete the
// least useful extra ones, recording what the informer should report back as expectations.
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { keyOf } from "../../client/rest-client.ts";
import { isNotFound, StatusError } from "../../client/errors.ts";
import { newControllerRef } from "../pod-util.ts";
import { podsToDelete } from "./ranking.ts";
import type { ReplicaSetEnv } from "./env.ts";

/** At most this many creates or deletes per sync, as upstream's burstReplicas. */
const BURST_REPLICAS = 500;

/** `pods` are the active pods the ReplicaSet owns; `related` gives the active pods of its sibling ReplicaSets. */
export async function manageReplicas(env: ReplicaSetEnv, rs: ReplicaSet, pods: Pod[], related: () => Pod[]): Promise<void> {
  const key = keyOf(rs);
  const diff = pods.length - (rs.spec?.replicas ?? 1);
  if (diff < 0) {
    const count = Math.min(-diff, BURST_REPLICAS);
    env.expectations.expectCreations(key, count);
    const { successes, error } = await slowStartBatch(count, () => createPod(env, rs));
    // Pods never created will never be observed.
    for (let i = successes; i < count; i++) env.expectations.creationObserved(key);
    if (error) throw error;
  } else if (diff > 0) {
    const victims = podsToDelete(pods, related(), Math.min(diff, BURST_REPLICAS), env.now());
    env.expectations.expectDeletions(key, victims.map(keyOf));
    const results = await Promise.all(victims.map(async (pod) => {
      try {
        await deletePod(env, rs, pod);
      } catch (err) {
        env.expectations.deletionObserved(key, keyOf(pod));
        if (!isNotFound(err)) return err;
      }
    }));
    const error = results.find((e) => e !== undefined);
    if (error) throw error;
  }
}

/**
 * Runs `count` calls in batches of 1, 2, 4, ... and stops after the first batch with a failure, so a template the
 * API rejects costs one request rather than `count`.
 */
export async function slowStartBatch(count: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let successes = 0;
  let remaining = count;
  for (let size = Math.min(remaining, 1); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, fn));
    const failed = results.find((r) => r.status === "rejected");
    successes += results.filter((r) => r.status === "fulfilled").length;
    if (failed) return { successes, error: failed.reason };
    remaining -= size;
  }
  return { successes };
}

async function createPod(env: ReplicaSetEnv, rs: ReplicaSet): Promise<void> {
  const template = rs.spec!.template!;
  const pod: Pod = {
    metadata: {
      generateName: `${rs.metadata!.name}-`,
      namespace: rs.metadata!.namespace,
      labels: { ...template.metadata?.labels },
      annotations: template.metadata?.annotations && { ...template.metadata.annotations },
      finalizers: template.metadata?.finalizers,
      ownerReferences: [newControllerRef(rs, "apps/v1", "ReplicaSet")],
    },
    spec: structuredClone(template.spec),
  };
  try {
    const created = await env.pods.create(pod);
    env.recorder.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata!.name}`);
  } catch (err) {
    // Every create fails while the namespace terminates; that is no news to report.
    if (namespaceTerminating(err)) return;
    env.recorder.event(rs, "Warning", "FailedCreate", `Error creating: ${(err as Error).message}`);
    throw err;
  }
}

async function deletePod(env: ReplicaSetEnv, rs: ReplicaSet, pod: Pod): Promise<void> {
  const name = pod.metadata!.name!;
  try {
    await env.pods.delete(pod.metadata!.namespace, name);
  } catch (err) {
    if (!isNotFound(err)) env.recorder.event(rs, "Warning", "FailedDelete", `Error deleting: ${(err as Error).message}`);
    throw err;
  }
  env.recorder.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${name}`);
}

const namespaceTerminating = (err: unknown): boolean =>
  err instanceof StatusError && !!err.status.details?.causes?.some((c) => c.reason === "NamespaceTerminating");
