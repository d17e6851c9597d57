// Defaulters of the non-core kinds, keyed by "group/Kind"; spread into ./index.ts.
import type { GroupKindKey } from "../scheme.ts";
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from "./apps.ts";
import { defaultCronJob, defaultJob } from "./batch.ts";
import { defaultEndpointSlice } from "./discovery.ts";
import { defaultIngressClass, defaultNetworkPolicy } from "./networking.ts";
import { defaultHorizontalPodAutoscaler } from "./autoscaling.ts";
import { defaultBinding } from "./rbac.ts";
import { defaultPriorityClass } from "./scheduling.ts";
import { defaultStorageClass } from "./storage.ts";

export const groupDefaulters: Partial<Record<GroupKindKey, (obj: any) => void>> = {
  "apps/Deployment": defaultDeployment,
  "apps/ReplicaSet": defaultReplicaSet,
  "apps/StatefulSet": defaultStatefulSet,
  "apps/DaemonSet": defaultDaemonSet,
  "batch/Job": defaultJob,
  "batch/CronJob": defaultCronJob,
  "discovery.k8s.io/EndpointSlice": defaultEndpointSlice,
  "networking.k8s.io/NetworkPolicy": defaultNetworkPolicy,
  "networking.k8s.io/IngressClass": defaultIngressClass,
  "autoscaling/HorizontalPodAutoscaler": defaultHorizontalPodAutoscaler,
  "rbac.authorization.k8s.io/RoleBinding": defaultBinding,
  "rbac.authorization.k8s.io/ClusterRoleBinding": defaultBinding,
  "scheduling.k8s.io/PriorityClass": defaultPriorityClass,
  "storage.k8s.io/StorageClass": defaultStorageClass,
};
