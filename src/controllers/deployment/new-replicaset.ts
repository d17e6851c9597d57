// The Deployment's new ReplicaSet (the one running its current template): found and kept in step with the
// Deployment's annotations and revision, or created on demand, with hash collisions resolved through
// status.collisionCount.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { isAlreadyExists, StatusError } from "../../client/errors.ts";
import { controllerRefOf, newControllerRef } from "../pod-util.ts";
import type { DeploymentEnv } from "./env.ts";
import { maxRevision, REVISION, setNewReplicaSetAnnotations } from "./annotations.ts";
import { equalIgnoringHash, POD_TEMPLATE_HASH_LABEL, podTemplateHash } from "./hash.ts";
import { maxSurge } from "./surge.ts";
import { findNewReplicaSet, replicasOf } from "./replicasets.ts";
import { getCondition, hasProgressDeadline, newCondition, PROGRESSING, Reason, setCondition } from "./conditions.ts";
import { setDeploymentRevision, writeStatus } from "./status.ts";

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  /** Every other ReplicaSet of the Deployment, scaled down or not. */
  oldRSs: ReplicaSet[];
}

/** Splits the Deployment's ReplicaSets into new and old; creates the new one if asked and missing. */
export async function replicaSetsOf(env: DeploymentEnv, d: Deployment, rsList: ReplicaSet[], create: boolean): Promise<ReplicaSets> {
  const found = findNewReplicaSet(d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== found);
  return { newRS: await newReplicaSet(env, d, found, oldRSs, create), oldRSs };
}

async function newReplicaSet(env: DeploymentEnv, d: Deployment, existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const revision = maxRevision(oldRSs) + 1;
  if (existing) return syncExisting(env, d, existing, revision);
  if (!create) return undefined;

  const template = structuredClone(d.spec!.template);
  const hash = podTemplateHash(template, d.status?.collisionCount);
  const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...template.metadata, labels };
  const name = `${d.metadata!.name}-${hash}`;
  const rs: ReplicaSet = {
    metadata: {
      name,
      namespace: d.metadata!.namespace,
      ownerReferences: [newControllerRef(d, "apps/v1", "Deployment")],
      labels,
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector: withLabel(d.spec!.selector, hash), template },
  };
  const replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
  rs.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, revision, false);

  let created: ReplicaSet;
  let alreadyExisted = false;
  try {
    created = await env.replicasets.create(rs);
  } catch (err) {
    if (!isAlreadyExists(err)) return failCreate(env, d, name, err);
    // Ours from an earlier sync the cache had not seen, or another template with the same hash.
    const taken = env.rsCache.getByName(d.metadata!.namespace, name);
    if (!taken) throw err;
    if (controllerRefOf(taken)?.uid !== d.metadata!.uid || !equalIgnoringHash(d.spec?.template, taken.spec?.template)) {
      d.status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
      await writeStatus(env, d);
      throw err;
    }
    created = taken;
    alreadyExisted = true;
  }
  if (!alreadyExisted && replicas > 0) {
    env.recorder.event(d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${name} from 0 to ${replicas}`);
  }
  await setDeploymentRevision(env, d, String(revision));
  if (!alreadyExisted && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, "True", Reason.newReplicaSetCreated, `Created new replica set "${name}"`, env.now()));
    await writeStatus(env, d);
  }
  return created;
}

/**
 * Updates the new ReplicaSet's annotations (and minReadySeconds) when they lag the Deployment, which is how a
 * reused old ReplicaSet gets the next revision; once they are current, copies its revision to the Deployment.
 */
async function syncExisting(env: DeploymentEnv, d: Deployment, existing: ReplicaSet, revision: number): Promise<ReplicaSet> {
  const copy = structuredClone(existing);
  const annotationsChanged = setNewReplicaSetAnnotations(d, copy, revision, true);
  const minReadySeconds = d.spec?.minReadySeconds ?? 0;
  if (annotationsChanged || (copy.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
    copy.spec = { ...copy.spec!, minReadySeconds };
    return env.replicasets.update(copy);
  }
  await setDeploymentRevision(env, d, copy.metadata?.annotations?.[REVISION] ?? "");
  // A Deployment that never had a Progressing condition starts counting progress from here.
  if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, "True", Reason.foundNewReplicaSet, `Found new replica set "${copy.metadata!.name}"`, env.now()));
    await writeStatus(env, d);
  }
  return copy;
}

/** Reports a failed create on the Progressing condition and as an event (unless the namespace is going away). */
async function failCreate(env: DeploymentEnv, d: Deployment, name: string, err: unknown): Promise<never> {
  const terminating = err instanceof StatusError && !!err.status.details?.causes?.some((c) => c.reason === "NamespaceTerminating");
  if (terminating) throw err;
  const message = `Failed to create new replica set "${name}": ${(err as Error).message}`;
  if (hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, "False", Reason.replicaSetCreateError, message, env.now()));
    // The create failure is the news; a failed status write would only hide it.
    await writeStatus(env, d).catch(() => undefined);
  }
  env.recorder.event(d, "Warning", Reason.replicaSetCreateError, message);
  throw err;
}

/**
 * The size the new ReplicaSet may grow to now. Rolling updates stay within replicas + maxSurge, counting for each
 * ReplicaSet the larger of its spec and its status: pods a scaled-down ReplicaSet has not yet removed still
 * exist, and counting them keeps the real number of pods within the surge.
 */
export function newReplicaSetReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  if (d.spec?.strategy?.type === "Recreate") return replicasOf(d);
  const maxTotal = replicasOf(d) + maxSurge(d);
  const current = allRSs.reduce((n, rs) => n + Math.max(replicasOf(rs), rs.status?.replicas ?? 0), 0);
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
}

function withLabel(selector: LabelSelector | undefined, hash: string): LabelSelector {
  return { ...selector, matchLabels: { ...selector?.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } };
}
