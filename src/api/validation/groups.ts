// Validators of the non-core kinds, keyed by "group/Kind"; spread into ./index.ts.
import type { FieldError } from "../errors.ts";
import type { GroupKindKey, ValidationContext } from "../scheme.ts";
import { validateControllerRevision, validateDaemonSet, validateDeployment, validateReplicaSet, validateStatefulSet } from "./apps.ts";
import { validateCronJob, validateJob } from "./batch.ts";
import { validateLease } from "./coordination.ts";
import { validateEndpointSlice } from "./discovery.ts";
import { validateEvent } from "./events.ts";
import { validateIngress, validateIngressClass, validateNetworkPolicy } from "./networking.ts";
import { validatePodDisruptionBudget } from "./policy.ts";
import { validateHorizontalPodAutoscaler } from "./autoscaling.ts";
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from "./rbac.ts";
import { validatePriorityClass } from "./scheduling.ts";
import { validateStorageClass } from "./storage.ts";
import { validateSelfSubjectAccessReview, validateSubjectAccessReview } from "./reviews.ts";

export const groupValidators: Partial<Record<GroupKindKey, (obj: any, ctx: ValidationContext) => FieldError[]>> = {
  "apps/Deployment": validateDeployment,
  "apps/ReplicaSet": validateReplicaSet,
  "apps/StatefulSet": validateStatefulSet,
  "apps/DaemonSet": validateDaemonSet,
  "apps/ControllerRevision": validateControllerRevision,
  "batch/Job": validateJob,
  "batch/CronJob": validateCronJob,
  "coordination.k8s.io/Lease": validateLease,
  "discovery.k8s.io/EndpointSlice": validateEndpointSlice,
  "events.k8s.io/Event": validateEvent,
  "networking.k8s.io/Ingress": validateIngress,
  "networking.k8s.io/IngressClass": validateIngressClass,
  "networking.k8s.io/NetworkPolicy": validateNetworkPolicy,
  "policy/PodDisruptionBudget": validatePodDisruptionBudget,
  "autoscaling/HorizontalPodAutoscaler": validateHorizontalPodAutoscaler,
  "rbac.authorization.k8s.io/Role": validateRole,
  "rbac.authorization.k8s.io/RoleBinding": validateRoleBinding,
  "rbac.authorization.k8s.io/ClusterRole": validateClusterRole,
  "rbac.authorization.k8s.io/ClusterRoleBinding": validateClusterRoleBinding,
  "scheduling.k8s.io/PriorityClass": validatePriorityClass,
  "storage.k8s.io/StorageClass": validateStorageClass,
  "authorization.k8s.io/SelfSubjectAccessReview": validateSelfSubjectAccessReview,
  "authorization.k8s.io/SubjectAccessReview": validateSubjectAccessReview,
};
