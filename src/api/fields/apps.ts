// Field selectors of apps/v1 kinds beyond metadata.name/namespace.
import type { ReplicaSet } from "kubernetes-types/apps/v1";

export const replicaSetFields: Record<string, (rs: ReplicaSet) => string | undefined> = {
  "status.replicas": (rs) => String(rs.status?.replicas ?? 0),
};

export const statefulSetFields: Record<string, () => string | undefined> = {
  // Upstream's StatefulSet label conversion accepts this field but never sets it, so it only matches "".
  "status.successful": () => undefined,
};
