// `kubectl get` for the small core kinds: namespaces, configmaps, secrets, serviceaccounts, limitranges,
// resourcequotas and podtemplates.
import type { ConfigMap, LimitRange, Namespace, PodTemplate, ResourceQuota, Secret, ServiceAccount } from "kubernetes-types/core/v1";
import type { TableDef } from "../scheme.ts";
import { formatLabels } from "../selectors/labels.ts";
import { age, ageColumn, column, containerCells, createdAtColumn, nameColumn, quantity, rfc3339 } from "./format.ts";

const count = (o: object | undefined): number => Object.keys(o ?? {}).length;

export const namespaceTable: TableDef = {
  columns: [nameColumn, column("Status", "string", "The phase of the namespace."), ageColumn],
  cells: (ns: Namespace, now: Date) => [ns.metadata?.name ?? "", ns.status?.phase ?? "", age(ns.metadata, now)],
};

export const configMapTable: TableDef = {
  columns: [nameColumn, column("Data", "string", "Number of keys in data and binaryData."), ageColumn],
  cells: (cm: ConfigMap, now: Date) => [cm.metadata?.name ?? "", count(cm.data) + count(cm.binaryData), age(cm.metadata, now)],
};

export const secretTable: TableDef = {
  columns: [nameColumn, column("Type", "string", "The type of the secret."), column("Data", "string", "Number of keys in data."), ageColumn],
  cells: (s: Secret, now: Date) => [s.metadata?.name ?? "", s.type ?? "", count(s.data), age(s.metadata, now)],
};

export const serviceAccountTable: TableDef = {
  columns: [nameColumn, column("Secrets", "string", "Number of secrets listed by the service account."), ageColumn],
  cells: (sa: ServiceAccount, now: Date) => [sa.metadata?.name ?? "", sa.secrets?.length ?? 0, age(sa.metadata, now)],
};

/** NAME and CREATED AT only: upstream's printer for LimitRanges and CustomResourceDefinitions. */
export const createdAtTable: TableDef = {
  columns: [nameColumn, createdAtColumn],
  cells: (obj: LimitRange) => [obj.metadata?.name ?? "", rfc3339(obj.metadata?.creationTimestamp)],
};

/** "resource: used/hard, ..." split into requests and limits (names starting "limits."). */
function quotaColumns(q: ResourceQuota): [string, string] {
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(q.spec?.hard ?? {}).sort()) {
    const entry = `${name}: ${quantity(q.status?.used?.[name])}/${quantity(q.status?.hard?.[name])}`;
    (name.startsWith("limits.") ? limit : request).push(entry);
  }
  return [request.join(", "), limit.join(", ")];
}

export const resourceQuotaTable: TableDef = {
  columns: [
    nameColumn,
    ageColumn,
    column("Request", "string", "Used and hard amounts of each quota'd resource other than limits."),
    column("Limit", "string", "Used and hard amounts of each quota'd limits.* resource."),
  ],
  cells: (q: ResourceQuota, now: Date) => [q.metadata?.name ?? "", age(q.metadata, now), ...quotaColumns(q)],
};

export const podTemplateTable: TableDef = {
  columns: [
    nameColumn,
    column("Containers", "string", "Container names of the pod template."),
    column("Images", "string", "Container images of the pod template."),
    column("Pod Labels", "string", "Labels of the pod template."),
  ],
  cells(pt: PodTemplate) {
    const [names, images] = containerCells(pt.template?.spec?.containers);
    return [pt.metadata?.name ?? "", names, images, formatLabels(pt.template?.metadata?.labels)];
  },
};
