// The resources components use, with the kubernetes-types type each one carries. Other resources (e.g. those the
// garbage collector finds through discovery) are addressed with `resourceRef` at run time.
import type { ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service, ServiceAccount } from "kubernetes-types/core/v1";
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";

/** Any object the API serves. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** Names one resource of the API; the type parameter is the object type it serves. */
export interface ResourceRef<T extends ApiObject = ApiObject> {
  group: string;
  version: string;
  /** The plural, as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Phantom: carries T for type inference only. */
  readonly _type?: T;
}

export function resourceRef<T extends ApiObject = ApiObject>(group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceRef<T> {
  return { group, version, resource, kind, namespaced };
}

export const apiVersion = (r: { group: string; version: string }): string => (r.group ? `${r.group}/${r.version}` : r.version);

export const R = {
  namespaces: resourceRef<Namespace>("", "v1", "namespaces", "Namespace", false),
  nodes: resourceRef<Node>("", "v1", "nodes", "Node", false),
  pods: resourceRef<Pod>("", "v1", "pods", "Pod", true),
  services: resourceRef<Service>("", "v1", "services", "Service", true),
  endpoints: resourceRef<Endpoints>("", "v1", "endpoints", "Endpoints", true),
  configmaps: resourceRef<ConfigMap>("", "v1", "configmaps", "ConfigMap", true),
  secrets: resourceRef<Secret>("", "v1", "secrets", "Secret", true),
  serviceaccounts: resourceRef<ServiceAccount>("", "v1", "serviceaccounts", "ServiceAccount", true),
  events: resourceRef<Event>("", "v1", "events", "Event", true),
  deployments: resourceRef<Deployment>("apps", "v1", "deployments", "Deployment", true),
  replicasets: resourceRef<ReplicaSet>("apps", "v1", "replicasets", "ReplicaSet", true),
  statefulsets: resourceRef<StatefulSet>("apps", "v1", "statefulsets", "StatefulSet", true),
  daemonsets: resourceRef<DaemonSet>("apps", "v1", "daemonsets", "DaemonSet", true),
  controllerrevisions: resourceRef<ControllerRevision>("apps", "v1", "controllerrevisions", "ControllerRevision", true),
  jobs: resourceRef<Job>("batch", "v1", "jobs", "Job", true),
  cronjobs: resourceRef<CronJob>("batch", "v1", "cronjobs", "CronJob", true),
  leases: resourceRef<Lease>("coordination.k8s.io", "v1", "leases", "Lease", true),
  endpointslices: resourceRef<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
} as const;
