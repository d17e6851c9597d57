// Hand-written schema definitions for the apply tests, mirroring the merge-relevant parts of upstream's
// OpenAPI for apps/v1 Deployment (the generated definitions live elsewhere).
import type { Definitions } from "../../api/openapi/types.ts";
import type { ApplySchema } from "./schema.ts";

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const str = { type: "string" } as const;
const int = { type: "integer", format: "int32" } as const;
const strMap = { type: "object", additionalProperties: str } as const;

export const definitions: Definitions = {
  "io.k8s.api.apps.v1.Deployment": {
    type: "object",
    properties: {
      apiVersion: str, kind: str,
      metadata: ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
      spec: ref("io.k8s.api.apps.v1.DeploymentSpec"),
      status: ref("io.k8s.api.apps.v1.DeploymentStatus"),
    },
    "x-kubernetes-group-version-kind": [{ group: "apps", version: "v1", kind: "Deployment" }],
  },
  "io.k8s.api.apps.v1.DeploymentSpec": {
    type: "object",
    required: ["selector", "template"],
    properties: {
      replicas: int, minReadySeconds: int, revisionHistoryLimit: int, progressDeadlineSeconds: int, paused: { type: "boolean" },
      selector: ref("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"),
      template: ref("io.k8s.api.core.v1.PodTemplateSpec"),
      strategy: ref("io.k8s.api.apps.v1.DeploymentStrategy"),
    },
  },
  "io.k8s.api.apps.v1.DeploymentStrategy": {
    type: "object",
    properties: { type: str, rollingUpdate: ref("io.k8s.api.apps.v1.RollingUpdateDeployment") },
  },
  "io.k8s.api.apps.v1.RollingUpdateDeployment": {
    type: "object",
    properties: { maxSurge: ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString"), maxUnavailable: ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString") },
  },
  "io.k8s.api.apps.v1.DeploymentStatus": {
    type: "object",
    properties: {
      replicas: int, readyReplicas: int, observedGeneration: { type: "integer", format: "int64" },
      conditions: {
        type: "array", items: ref("io.k8s.api.apps.v1.DeploymentCondition"),
        "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"],
        "x-kubernetes-patch-merge-key": "type", "x-kubernetes-patch-strategy": "merge",
      },
    },
  },
  "io.k8s.api.apps.v1.DeploymentCondition": {
    type: "object", required: ["type", "status"],
    properties: { type: str, status: str, reason: str, message: str },
  },
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { type: "string", format: "int-or-string" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": { type: "string", format: "date-time" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector": {
    type: "object",
    properties: { matchLabels: strMap, matchExpressions: { type: "array", items: { type: "object" }, "x-kubernetes-list-type": "atomic" } },
    "x-kubernetes-map-type": "atomic",
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
    type: "object",
    properties: {
      name: str, namespace: str, uid: str, resourceVersion: str, generateName: str,
      generation: { type: "integer", format: "int64" },
      creationTimestamp: ref("io.k8s.apimachinery.pkg.apis.meta.v1.Time"),
      labels: strMap, annotations: strMap,
      finalizers: { type: "array", items: str, "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" },
      ownerReferences: {
        type: "array", items: ref("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"),
        "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["uid"],
        "x-kubernetes-patch-merge-key": "uid", "x-kubernetes-patch-strategy": "merge",
      },
      managedFields: { type: "array", items: ref("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry") },
    },
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference": {
    type: "object", required: ["apiVersion", "kind", "name", "uid"],
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: "boolean" } },
    "x-kubernetes-map-type": "atomic",
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry": {
    type: "object",
    properties: { manager: str, operation: str, apiVersion: str, time: ref("io.k8s.apimachinery.pkg.apis.meta.v1.Time"), fieldsType: str, fieldsV1: { type: "object" }, subresource: str },
  },
  "io.k8s.api.core.v1.PodTemplateSpec": {
    type: "object",
    properties: { metadata: ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), spec: ref("io.k8s.api.core.v1.PodSpec") },
  },
  "io.k8s.api.core.v1.PodSpec": {
    type: "object",
    required: ["containers"],
    properties: {
      containers: {
        type: "array", items: ref("io.k8s.api.core.v1.Container"),
        "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
        "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
      },
      // Pre-list-type style: a patch merge key alone makes a list-map.
      initContainers: { type: "array", items: ref("io.k8s.api.core.v1.Container"), "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge" },
      tolerations: { type: "array", items: ref("io.k8s.api.core.v1.Toleration"), "x-kubernetes-list-type": "atomic" },
      nodeSelector: { ...strMap, "x-kubernetes-map-type": "atomic" },
      restartPolicy: str, dnsPolicy: str, terminationGracePeriodSeconds: { type: "integer", format: "int64" },
      securityContext: { type: "object", properties: { runAsUser: { type: "integer", format: "int64" } } },
    },
  },
  "io.k8s.api.core.v1.Container": {
    type: "object",
    required: ["name"],
    properties: {
      name: str, image: str, imagePullPolicy: str,
      args: { type: "array", items: str, "x-kubernetes-list-type": "atomic" },
      ports: {
        type: "array", items: ref("io.k8s.api.core.v1.ContainerPort"),
        "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
        "x-kubernetes-patch-merge-key": "containerPort", "x-kubernetes-patch-strategy": "merge",
      },
      env: {
        type: "array", items: ref("io.k8s.api.core.v1.EnvVar"),
        "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
        "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
      },
      resources: ref("io.k8s.api.core.v1.ResourceRequirements"),
    },
  },
  "io.k8s.api.core.v1.ContainerPort": {
    type: "object", required: ["containerPort"],
    properties: { containerPort: int, name: str, protocol: { type: "string", default: "TCP" } as Definitions[string] },
  },
  "io.k8s.api.core.v1.EnvVar": { type: "object", required: ["name"], properties: { name: str, value: str } },
  "io.k8s.api.core.v1.Toleration": { type: "object", properties: { key: str, operator: str, value: str, effect: str } },
  "io.k8s.api.core.v1.ResourceRequirements": {
    type: "object",
    properties: { limits: { type: "object", additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") }, requests: { type: "object", additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") } },
  },
  "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string" },
};

export const deploymentSchema: ApplySchema = { definitions, root: "io.k8s.api.apps.v1.Deployment" };

/** A Deployment as `kubectl apply --server-side` would send it. */
export function deployment(overrides: { replicas?: number; image?: string; labels?: Record<string, string> } = {}): Record<string, any> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: overrides.labels ?? { app: "web" } },
    spec: {
      ...(overrides.replicas === undefined ? {} : { replicas: overrides.replicas }),
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: overrides.image ?? "nginx:1.27" }] },
      },
    },
  };
}
