// Upstream's merge semantics for built-in types (the +patchMergeKey, +patchStrategy, +listType, +listMapKey,
// +mapType and +structType markers of the Go types), which kubernetes-types drops. Strategic merge patch and
// server-side apply read them from the generated definitions; the generator merges this table in and fails on
// entries that name a missing definition or field. Lists absent here are atomic for apply and replaced by
// strategic merge patch, which is upstream's default too.
import type { SchemaObject } from "./types.ts";

export type ListSemantics = Pick<
  SchemaObject,
  | "x-kubernetes-patch-merge-key"
  | "x-kubernetes-patch-strategy"
  | "x-kubernetes-list-type"
  | "x-kubernetes-list-map-keys"
  | "x-kubernetes-map-type"
>;

/** A list merged by key: strategic merge patch merges on `key`, apply treats it as a map keyed by `keys`. */
const mergeBy = (key: string, keys: string[] = [key], strategy = "merge"): ListSemantics => ({
  "x-kubernetes-patch-merge-key": key,
  "x-kubernetes-patch-strategy": strategy,
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": keys,
});
const mapList = (...keys: string[]): ListSemantics => ({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": keys });
const atomic: ListSemantics = { "x-kubernetes-list-type": "atomic" };
const set: ListSemantics = { "x-kubernetes-list-type": "set" };
const mergeSet: ListSemantics = { "x-kubernetes-patch-strategy": "merge", "x-kubernetes-list-type": "set" };
const atomicMap: ListSemantics = { "x-kubernetes-map-type": "atomic" };
const conditions = mergeBy("type");

const core = "io.k8s.api.core.v1";
const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";

const containerFields: Record<string, ListSemantics> = {
  ports: mergeBy("containerPort", ["containerPort", "protocol"]),
  env: mergeBy("name"),
  volumeMounts: mergeBy("mountPath"),
  volumeDevices: mergeBy("devicePath"),
  envFrom: atomic,
  command: atomic,
  args: atomic,
  resizePolicy: atomic,
};

/** definition name -> field name -> semantics of that field. */
export const fieldSemantics: Record<string, Record<string, ListSemantics>> = {
  [`${meta}.ObjectMeta`]: {
    finalizers: mergeSet,
    ownerReferences: mergeBy("uid"),
    managedFields: atomic,
  },
  [`${meta}.LabelSelector`]: { matchExpressions: atomic },
  [`${meta}.LabelSelectorRequirement`]: { values: atomic },
  [`${meta}.StatusDetails`]: { causes: atomic },
  [`${meta}.APIResource`]: { verbs: atomic, shortNames: atomic, categories: atomic },

  // Pods
  [`${core}.PodSpec`]: {
    volumes: mergeBy("name", ["name"], "merge,retainKeys"),
    initContainers: mergeBy("name"),
    containers: mergeBy("name"),
    ephemeralContainers: mergeBy("name"),
    imagePullSecrets: mergeBy("name"),
    hostAliases: mergeBy("ip"),
    topologySpreadConstraints: mergeBy("topologyKey", ["topologyKey", "whenUnsatisfiable"]),
    schedulingGates: mergeBy("name"),
    resourceClaims: mergeBy("name", ["name"], "merge,retainKeys"),
    tolerations: atomic,
    readinessGates: atomic,
    nodeSelector: atomicMap,
  },
  [`${core}.PodStatus`]: {
    conditions,
    podIPs: mergeBy("ip"),
    hostIPs: mergeBy("ip"),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: mergeBy("name", ["name"], "merge,retainKeys"),
  },
  [`${core}.Container`]: containerFields,
  [`${core}.EphemeralContainer`]: containerFields,
  [`${core}.ResourceRequirements`]: { claims: mapList("name") },
  [`${core}.Capabilities`]: { add: atomic, drop: atomic },
  [`${core}.PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${core}.PodDNSConfig`]: { nameservers: atomic, searches: atomic, options: atomic },
  [`${core}.HostAlias`]: { hostnames: atomic },
  [`${core}.ExecAction`]: { command: atomic },
  [`${core}.HTTPGetAction`]: { httpHeaders: atomic },
  [`${core}.TopologySpreadConstraint`]: { matchLabelKeys: atomic },
  [`${core}.NodeSelector`]: { nodeSelectorTerms: atomic },
  [`${core}.NodeSelectorTerm`]: { matchExpressions: atomic, matchFields: atomic },
  [`${core}.NodeSelectorRequirement`]: { values: atomic },
  [`${core}.NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${core}.PodAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}.PodAntiAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}.PodAffinityTerm`]: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },

  // Volumes
  [`${core}.ProjectedVolumeSource`]: { sources: atomic },
  [`${core}.ConfigMapVolumeSource`]: { items: atomic },
  [`${core}.SecretVolumeSource`]: { items: atomic },
  [`${core}.DownwardAPIVolumeSource`]: { items: atomic },
  [`${core}.ConfigMapProjection`]: { items: atomic },
  [`${core}.SecretProjection`]: { items: atomic },
  [`${core}.DownwardAPIProjection`]: { items: atomic },
  [`${core}.PersistentVolumeClaimSpec`]: { accessModes: atomic },
  [`${core}.PersistentVolumeClaimStatus`]: { conditions, accessModes: atomic },
  [`${core}.PersistentVolumeSpec`]: { accessModes: atomic, mountOptions: atomic },

  // Services, endpoints, nodes, namespaces, accounts
  [`${core}.ServiceSpec`]: {
    ports: mergeBy("port", ["port", "protocol"]),
    selector: atomicMap,
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  [`${core}.ServiceStatus`]: { conditions },
  [`${core}.LoadBalancerStatus`]: { ingress: atomic },
  [`${core}.LoadBalancerIngress`]: { ports: atomic },
  [`${core}.Endpoints`]: { subsets: atomic },
  [`${core}.EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [`${core}.NodeSpec`]: { podCIDRs: mergeSet, taints: atomic },
  [`${core}.NodeStatus`]: {
    conditions,
    addresses: mergeBy("type"),
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
  },
  [`${core}.NamespaceSpec`]: { finalizers: atomic },
  [`${core}.NamespaceStatus`]: { conditions },
  [`${core}.ServiceAccount`]: { secrets: mergeBy("name"), imagePullSecrets: atomic },
  [`${core}.ResourceQuotaSpec`]: { scopes: atomic },
  [`${core}.LimitRangeSpec`]: { limits: atomic },

  // apps
  "io.k8s.api.apps.v1.DeploymentSpec": { strategy: { "x-kubernetes-patch-strategy": "retainKeys" } },
  "io.k8s.api.apps.v1.DeploymentStatus": { conditions },
  "io.k8s.api.apps.v1.ReplicaSetStatus": { conditions },
  "io.k8s.api.apps.v1.StatefulSetStatus": { conditions },
  "io.k8s.api.apps.v1.DaemonSetStatus": { conditions },
  "io.k8s.api.apps.v1.StatefulSetSpec": { volumeClaimTemplates: atomic },

  // batch
  "io.k8s.api.batch.v1.JobStatus": {
    conditions: { "x-kubernetes-patch-merge-key": "type", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-list-type": "atomic" },
  },
  "io.k8s.api.batch.v1.CronJobStatus": { active: atomic },
  "io.k8s.api.batch.v1.PodFailurePolicy": { rules: atomic },
  "io.k8s.api.batch.v1.PodFailurePolicyRule": { onPodConditions: atomic },
  "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement": { values: set },
  "io.k8s.api.batch.v1.SuccessPolicy": { rules: atomic },

  // networking, discovery
  "io.k8s.api.networking.v1.IngressSpec": { rules: atomic, tls: atomic },
  "io.k8s.api.networking.v1.IngressTLS": { hosts: atomic },
  "io.k8s.api.networking.v1.HTTPIngressRuleValue": { paths: atomic },
  "io.k8s.api.networking.v1.IngressLoadBalancerStatus": { ingress: atomic },
  "io.k8s.api.networking.v1.NetworkPolicySpec": { ingress: atomic, egress: atomic, policyTypes: atomic },
  "io.k8s.api.networking.v1.NetworkPolicyIngressRule": { ports: atomic, from: atomic },
  "io.k8s.api.networking.v1.NetworkPolicyEgressRule": { ports: atomic, to: atomic },
  "io.k8s.api.networking.v1.IPBlock": { except: atomic },
  "io.k8s.api.discovery.v1.EndpointSlice": { endpoints: atomic, ports: atomic },
  "io.k8s.api.discovery.v1.Endpoint": { addresses: set },

  // rbac
  "io.k8s.api.rbac.v1.Role": { rules: atomic },
  "io.k8s.api.rbac.v1.ClusterRole": { rules: atomic },
  "io.k8s.api.rbac.v1.RoleBinding": { subjects: atomic },
  "io.k8s.api.rbac.v1.ClusterRoleBinding": { subjects: atomic },
  "io.k8s.api.rbac.v1.PolicyRule": { verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic, nonResourceURLs: atomic },
  "io.k8s.api.rbac.v1.AggregationRule": { clusterRoleSelectors: atomic },

  // policy, autoscaling
  "io.k8s.api.policy.v1.PodDisruptionBudgetStatus": { conditions },
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec": { metrics: atomic },
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus": { conditions, currentMetrics: atomic },
  "io.k8s.api.autoscaling.v2.HPAScalingRules": { policies: atomic },

  // storage, admission, extensions, certificates
  "io.k8s.api.storage.v1.StorageClass": { mountOptions: atomic, allowedTopologies: atomic },
  "io.k8s.api.storage.v1.CSINodeSpec": { drivers: mergeBy("name") },
  "io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration": { webhooks: mergeBy("name") },
  "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration": { webhooks: mergeBy("name") },
  "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus": { conditions: mapList("type") },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec": { versions: atomic },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus": {
    conditions: mapList("type"),
    storedVersions: atomic,
  },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames": { shortNames: atomic, categories: atomic },
  "io.k8s.api.certificates.v1.CertificateSigningRequestSpec": { usages: atomic, groups: atomic },
  "io.k8s.api.certificates.v1.CertificateSigningRequestStatus": { conditions: mapList("type") },
};

/** Structs upstream marks +structType=atomic: apply replaces them whole instead of merging their fields. */
export const atomicStructs: readonly string[] = [
  `${meta}.LabelSelector`,
  `${meta}.OwnerReference`,
  `${core}.LocalObjectReference`,
  `${core}.ObjectReference`,
  `${core}.TypedLocalObjectReference`,
  `${core}.ConfigMapKeySelector`,
  `${core}.SecretKeySelector`,
  `${core}.ObjectFieldSelector`,
  `${core}.ResourceFieldSelector`,
  `${core}.NodeSelector`,
  `${core}.NodeSelectorTerm`,
  `${core}.TopologySelectorTerm`,
  `${core}.EndpointAddress`,
  `${core}.EndpointPort`,
  "io.k8s.api.rbac.v1.RoleRef",
];
