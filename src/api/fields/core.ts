// Field selectors of core/v1 kinds beyond metadata.name/namespace, with the values upstream's
// ToSelectableFields computes for them.
import type { Event, Namespace, Node, Pod, Secret, Service } from "kubernetes-types/core/v1";

type Getters<T> = Record<string, (obj: T) => string | undefined>;

const podNodeName = (p: Pod) => p.spec?.nodeName;

export const podFields: Getters<Pod> = {
  "spec.nodeName": podNodeName,
  // Old v1 clients send spec.host; upstream rewrites it to spec.nodeName.
  "spec.host": podNodeName,
  "spec.restartPolicy": (p) => p.spec?.restartPolicy,
  "spec.schedulerName": (p) => p.spec?.schedulerName,
  "spec.serviceAccountName": (p) => p.spec?.serviceAccountName,
  "spec.hostNetwork": (p) => String(p.spec?.hostNetwork ?? false),
  "status.phase": (p) => p.status?.phase,
  "status.podIP": (p) => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP,
  // Accepted by upstream's label conversion but absent from its selectable set, so it only matches "".
  "status.podIPs": () => undefined,
  "status.nominatedNodeName": (p) => p.status?.nominatedNodeName,
};

export const eventFields: Getters<Event> = {
  "involvedObject.kind": (e) => e.involvedObject?.kind,
  "involvedObject.namespace": (e) => e.involvedObject?.namespace,
  "involvedObject.name": (e) => e.involvedObject?.name,
  "involvedObject.uid": (e) => e.involvedObject?.uid,
  "involvedObject.apiVersion": (e) => e.involvedObject?.apiVersion,
  "involvedObject.resourceVersion": (e) => e.involvedObject?.resourceVersion,
  "involvedObject.fieldPath": (e) => e.involvedObject?.fieldPath,
  reason: (e) => e.reason,
  reportingComponent: (e) => e.reportingComponent,
  source: (e) => e.source?.component || e.reportingComponent,
  type: (e) => e.type,
};

export const secretFields: Getters<Secret> = { type: (s) => s.type };

export const namespaceFields: Getters<Namespace> = { "status.phase": (n) => n.status?.phase };

export const nodeFields: Getters<Node> = { "spec.unschedulable": (n) => String(n.spec?.unschedulable ?? false) };

export const serviceFields: Getters<Service> = {
  "spec.clusterIP": (s) => s.spec?.clusterIP,
  "spec.type": (s) => s.spec?.type,
};
