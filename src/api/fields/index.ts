// Field selectors per kind beyond metadata.name/metadata.namespace, keyed by "group/Kind": the fields upstream
// 1.32's field label conversion accepts for the kind, each with the value an object has for it.
import type { GroupKindKey } from "../scheme.ts";
import { replicaSetFields, statefulSetFields } from "./apps.ts";
import { jobFields } from "./batch.ts";
import { eventFields, namespaceFields, nodeFields, podFields, secretFields, serviceFields } from "./core.ts";
import { eventV1Fields } from "./events.ts";

export const fieldSelectors: Partial<Record<GroupKindKey, Record<string, (obj: any) => string | undefined>>> = {
  "/Pod": podFields,
  "/Event": eventFields,
  "/Secret": secretFields,
  "/Namespace": namespaceFields,
  "/Node": nodeFields,
  "/Service": serviceFields,
  "apps/ReplicaSet": replicaSetFields,
  "apps/StatefulSet": statefulSetFields,
  "batch/Job": jobFields,
  "events.k8s.io/Event": eventV1Fields,
};
