// Table output (kubectl get) per kind, keyed by "group/Kind". Kinds without one get NAME and AGE.
import type { GroupKindKey, TableDef } from "../scheme.ts";
import { controllerRevisionTable, daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from "./apps.ts";
import { horizontalPodAutoscalerTable } from "./autoscaling.ts";
import { cronJobTable, jobTable } from "./batch.ts";
import { leaseTable, priorityClassTable, storageClassTable } from "./cluster.ts";
import {
  configMapTable, createdAtTable, namespaceTable, podTemplateTable, resourceQuotaTable, secretTable, serviceAccountTable,
} from "./core.ts";
import { endpointSliceTable } from "./discovery.ts";
import { eventTable, eventV1Table } from "./event.ts";
import { ingressClassTable, ingressTable, networkPolicyTable } from "./networking.ts";
import { nodeTable } from "./node.ts";
import { podTable } from "./pod.ts";
import { podDisruptionBudgetTable } from "./policy.ts";
import { roleBindingTable, roleTable } from "./rbac.ts";
import { endpointsTable, serviceTable } from "./service.ts";
import { persistentVolumeClaimTable, persistentVolumeTable } from "./volumes.ts";

export const tables: Partial<Record<GroupKindKey, TableDef>> = {
  "/Pod": podTable,
  "/Node": nodeTable,
  "/Namespace": namespaceTable,
  "/Service": serviceTable,
  "/Endpoints": endpointsTable,
  "/ConfigMap": configMapTable,
  "/Secret": secretTable,
  "/ServiceAccount": serviceAccountTable,
  "/Event": eventTable,
  "/LimitRange": createdAtTable,
  "apiextensions.k8s.io/CustomResourceDefinition": createdAtTable,
  "/ResourceQuota": resourceQuotaTable,
  "/PersistentVolume": persistentVolumeTable,
  "/PersistentVolumeClaim": persistentVolumeClaimTable,
  "/PodTemplate": podTemplateTable,
  "apps/Deployment": deploymentTable,
  "apps/ReplicaSet": replicaSetTable,
  "apps/StatefulSet": statefulSetTable,
  "apps/DaemonSet": daemonSetTable,
  "apps/ControllerRevision": controllerRevisionTable,
  "batch/Job": jobTable,
  "batch/CronJob": cronJobTable,
  "coordination.k8s.io/Lease": leaseTable,
  "discovery.k8s.io/EndpointSlice": endpointSliceTable,
  "events.k8s.io/Event": eventV1Table,
  "networking.k8s.io/Ingress": ingressTable,
  "networking.k8s.io/IngressClass": ingressClassTable,
  "networking.k8s.io/NetworkPolicy": networkPolicyTable,
  "policy/PodDisruptionBudget": podDisruptionBudgetTable,
  "autoscaling/HorizontalPodAutoscaler": horizontalPodAutoscalerTable,
  "rbac.authorization.k8s.io/Role": roleTable,
  "rbac.authorization.k8s.io/ClusterRole": roleTable,
  "rbac.authorization.k8s.io/RoleBinding": roleBindingTable,
  "rbac.authorization.k8s.io/ClusterRoleBinding": roleBindingTable,
  "scheduling.k8s.io/PriorityClass": priorityClassTable,
  "storage.k8s.io/StorageClass": storageClassTable,
};
