// revisionHistoryLimit: the oldest scaled-down ReplicaSets beyond the limit are deleted.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { isNotFound } from "../../client/errors.ts";
import type { DeploymentEnv } from "./env.ts";
import { revisionOf } from "./annotations.ts";
import { byCreation, replicasOf } from "./replicasets.ts";

export async function cleanupOldReplicaSets(env: DeploymentEnv, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null || limit === 2147483647) return;
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return;
  alive.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of alive.slice(0, excess)) {
    // Only ReplicaSets that are scaled down, have no pods left, and whose controller saw that.
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await env.replicasets.delete(rs.metadata!.namespace, rs.metadata!.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
