// The annotations a Deployment keeps on its ReplicaSets: revision (and the revisions a reused ReplicaSet had
// before), the desired and maximum replicas it was sized for, and the Deployment's own annotations.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { maxSurge } from "./surge.ts";

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

/** Deployment annotations that are not copied to ReplicaSets. */
const NOT_COPIED = new Set([
  "kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS,
  "deprecated.deployment.rollback.to",
]);

/** Upstream's cap on the revision-history annotation. */
const MAX_HISTORY_CHARS = 2000;

const isInt = (s: string | undefined): s is string => s !== undefined && /^[+-]?\d+$/.test(s);

/** The ReplicaSet's revision; 0 when absent or malformed. */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata?.annotations?.[REVISION];
  return isInt(v) ? Number(v) : 0;
}

export const maxRevision = (rss: ReplicaSet[]): number => rss.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);

/**
 * Brings the new ReplicaSet's annotations (a private copy) up to date: the Deployment's annotations, a revision of
 * at least `revision` (recording the previous one in the history when a ReplicaSet is reused), and, for one about
 * to be created, the replica annotations. Answers whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, revision: number, exists: boolean): boolean {
  const meta = (rs.metadata ??= {});
  const annotations = (meta.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const old = annotations[REVISION];
  if (old !== undefined && old !== "" && !isInt(old)) return false;
  const oldRevision = old ? Number(old) : 0;
  if (oldRevision < revision) {
    annotations[REVISION] = String(revision);
    changed = true;
    if (old !== undefined) appendHistory(annotations, old);
  }
  if (!exists && setReplicasAnnotations(rs, d.spec?.replicas ?? 1, (d.spec?.replicas ?? 1) + maxSurge(d))) changed = true;
  return changed;
}

/** Appends a revision to the history, dropping the oldest entries to stay within the length cap. */
function appendHistory(annotations: Record<string, string>, revision: string): void {
  const history = annotations[REVISION_HISTORY];
  if (!history) {
    annotations[REVISION_HISTORY] = revision;
    return;
  }
  let entries = history.split(",");
  let length = history.length + revision.length + 1;
  while (length > MAX_HISTORY_CHARS && entries.length) {
    length -= entries[0].length + 1;
    entries = entries.slice(1);
  }
  if (length <= MAX_HISTORY_CHARS) annotations[REVISION_HISTORY] = [...entries, revision].join(",");
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/** Records the Deployment size a ReplicaSet was scaled for; answers whether anything changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const meta = (rs.metadata ??= {});
  meta.annotations = { ...meta.annotations, [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(max) };
  return true;
}

/** The size recorded in an annotation, if it is a number. */
export function replicasAnnotation(rs: ReplicaSet, key: typeof DESIRED_REPLICAS | typeof MAX_REPLICAS): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return isInt(v) ? Number(v) : undefined;
}
