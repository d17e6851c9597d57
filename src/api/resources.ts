// Every built-in kind Berth serves: names, scope and subresources as upstream 1.32 lists them
// (`kubectl api-resources`). Strategies (defaults, validation, tables, field selectors) are attached from
// the per-concern registries by GroupKind key, so each concern stays in its own folder.
import type { ResourceType, ScaleSubresource, Strategy } from "./scheme.ts";
import { groupKindKey } from "./scheme.ts";
import { strategies } from "./strategies.ts";
import { hpaV1ToV2, hpaV2ToV1 } from "./conversion/autoscaling.ts";
import { coreToEventsV1, eventsV1ToCore } from "./conversion/events.ts";
import type { Conversion } from "./scheme.ts";

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] as const;
const CREATE_ONLY = ["create"] as const;

interface Spec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly string[];
  status?: boolean;
  scale?: ScaleSubresource;
  generation?: boolean;
  extra?: string[];
  conversion?: Conversion;
}

const replicasScale: ScaleSubresource = {
  specReplicasPath: "spec.replicas",
  statusReplicasPath: "status.replicas",
  labelSelectorPath: "status.selector",
};

const specs: Spec[] = [
  // core/v1
  { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"], status: true, verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], extra: ["finalize"] },
  { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"], categories: ["all"], status: true, extra: ["binding", "eviction", "log", "exec", "attach", "portforward", "proxy", "ephemeralcontainers", "resize"] },
  { group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"], categories: ["all"], status: true, verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], extra: ["proxy"] },
  { group: "", version: "v1", kind: "Endpoints", plural: "endpoints", namespaced: true, shortNames: ["ep"] },
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"] },
  { group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  { group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true, shortNames: ["sa"], extra: ["token"] },
  { group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"], status: true, extra: ["proxy"] },
  { group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"] },
  { group: "", version: "v1", kind: "LimitRange", plural: "limitranges", namespaced: true, shortNames: ["limits"] },
  { group: "", version: "v1", kind: "ResourceQuota", plural: "resourcequotas", namespaced: true, shortNames: ["quota"], status: true },
  { group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes", namespaced: false, shortNames: ["pv"], status: true },
  { group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true, shortNames: ["pvc"], status: true },
  { group: "", version: "v1", kind: "PodTemplate", plural: "podtemplates", namespaced: true },
  // apps/v1
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, shortNames: ["deploy"], categories: ["all"], status: true, scale: replicasScale, generation: true },
  { group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true, shortNames: ["rs"], categories: ["all"], status: true, scale: replicasScale, generation: true },
  { group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true, shortNames: ["sts"], categories: ["all"], status: true, scale: replicasScale, generation: true },
  { group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true, shortNames: ["ds"], categories: ["all"], status: true, generation: true },
  { group: "apps", version: "v1", kind: "ControllerRevision", plural: "controllerrevisions", namespaced: true },
  // batch/v1
  { group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, categories: ["all"], status: true, generation: true },
  { group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true, shortNames: ["cj"], categories: ["all"], status: true, generation: true },
  // coordination, discovery, events
  { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true },
  { group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices", namespaced: true },
  {
    group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"],
    conversion: { storageGroup: "", storageVersion: "v1", toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 },
  },
  // networking
  { group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", namespaced: true, shortNames: ["ing"], status: true, generation: true },
  { group: "networking.k8s.io", version: "v1", kind: "IngressClass", plural: "ingressclasses", namespaced: false },
  { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true, shortNames: ["netpol"], generation: true },
  // policy, autoscaling
  { group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true, shortNames: ["pdb"], status: true, generation: true },
  { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", namespaced: true, shortNames: ["hpa"], categories: ["all"], status: true },
  {
    group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", namespaced: true, shortNames: ["hpa"], categories: ["all"], status: true,
    conversion: { storageGroup: "autoscaling", storageVersion: "v2", toStorage: (o) => hpaV1ToV2(o as never) as never, fromStorage: (o) => hpaV2ToV1(o as never) as never },
  },
  // rbac
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false },
  // scheduling, storage
  { group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass", plural: "priorityclasses", namespaced: false, shortNames: ["pc"] },
  { group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses", namespaced: false, shortNames: ["sc"] },
  // CustomResourceDefinitions are read-only and always empty until custom resources are served; kubectl's
  // client-side validation lists them, so the list must exist.
  { group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", namespaced: false, shortNames: ["crd", "crds"], categories: ["api-extensions"], verbs: ["get", "list", "watch"], status: true },
  // reviews: create-only, never stored
  { group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", namespaced: false, verbs: CREATE_ONLY },
  { group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews", namespaced: false, verbs: CREATE_ONLY },
  { group: "authorization.k8s.io", version: "v1", kind: "SubjectAccessReview", plural: "subjectaccessreviews", namespaced: false, verbs: CREATE_ONLY },
  { group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview", plural: "selfsubjectreviews", namespaced: false, verbs: CREATE_ONLY },
  { group: "authentication.k8s.io", version: "v1", kind: "TokenReview", plural: "tokenreviews", namespaced: false, verbs: CREATE_ONLY },
];

const noStrategy: Strategy = {};

function build(s: Spec): ResourceType {
  return {
    group: s.group,
    version: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    namespaced: s.namespaced,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: s.verbs ?? ALL_VERBS,
    status: s.status ?? false,
    ...(s.scale ? { scale: s.scale } : {}),
    generation: s.generation ?? false,
    extraSubresources: s.extra ?? [],
    // A converted version is validated and defaulted as its storage version, after conversion.
    strategy: s.conversion ? noStrategy : strategies[groupKindKey(s.group, s.kind)] ?? noStrategy,
    ...(s.conversion ? { conversion: s.conversion } : {}),
  };
}

export const resourceTypes: readonly ResourceType[] = specs.map(build);

/** Kinds that are only ever created as a request and answered, never stored (reviews). */
export const isReviewKind = (r: ResourceType): boolean => r.verbs.length === 1 && r.verbs[0] === "create";
