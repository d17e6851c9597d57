// Field selectors of events.k8s.io/v1 Events: upstream maps them onto the core Event's selectable fields,
// so `regarding.*` reads the same values as `involvedObject.*`.
import type { Event } from "kubernetes-types/events/v1";

export const eventV1Fields: Record<string, (e: Event) => string | undefined> = {
  "regarding.kind": (e) => e.regarding?.kind,
  "regarding.namespace": (e) => e.regarding?.namespace,
  "regarding.name": (e) => e.regarding?.name,
  "regarding.uid": (e) => e.regarding?.uid,
  "regarding.apiVersion": (e) => e.regarding?.apiVersion,
  "regarding.resourceVersion": (e) => e.regarding?.resourceVersion,
  "regarding.fieldPath": (e) => e.regarding?.fieldPath,
  reason: (e) => e.reason,
  reportingController: (e) => e.reportingController,
  type: (e) => e.type,
};
