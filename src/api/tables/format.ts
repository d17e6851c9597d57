// Column and cell helpers shared by the per-kind tables, each mirroring one of upstream's printer helpers.
import type { Container } from "kubernetes-types/core/v1";
import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import type { TableColumn } from "../scheme.ts";
import { canonicalQuantity } from "../validation/quantity.ts";
import { since } from "./duration.ts";

export const column = (name: string, type: TableColumn["type"], description: string, priority: 0 | 1 = 0): TableColumn =>
  ({ name, type, description, priority });

export const nameColumn: TableColumn = {
  name: "Name", type: "string", format: "name", priority: 0,
  description: "The object's name, unique within its namespace.",
};
export const ageColumn = column("Age", "string", "Time since the object was created (its creationTimestamp).");
export const createdAtColumn = column("Created At", "date", "The object's creationTimestamp (RFC 3339).");

/** Wide columns of every workload kind (the selector one only where the kind has a selector). */
export const containersColumn = column("Containers", "string", "Container names of the pod template.", 1);
export const imagesColumn = column("Images", "string", "Container images of the pod template.", 1);
export const selectorColumn = column("Selector", "string", "The label selector of the pods it manages.", 1);

export const age = (meta: ObjectMeta | undefined, now: Date): string => since(meta?.creationTimestamp, now);

/** Go's time.RFC3339 of the UTC time: second precision, "Z"; Go's zero time when unset. */
export function rfc3339(ts: string | undefined): string {
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? "0001-01-01T00:00:00Z" : `${new Date(t).toISOString().slice(0, 19)}Z`;
}

/** upstream's layoutContainerCells: names and images joined by commas. */
export function containerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(","), list.map((c) => c.image ?? "").join(",")];
}

/** A resource.Quantity cell: canonical form, "0" when unset. */
export function quantity(q: string | number | undefined): string {
  if (q === undefined) return "0";
  return canonicalQuantity(q) ?? String(q);
}

/** Load balancer ingress points (IP, else hostname), deduplicated and sorted. */
export function loadBalancerIngress(ingress: readonly { ip?: string; hostname?: string }[] | undefined): string {
  const set = new Set<string>();
  for (const i of ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(",");
}

/** upstream's listWithMoreString. */
export function listWithMore(list: string[], count: number, max: number): string {
  const ret = list.join(",");
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret === "" ? "<unset>" : ret;
}

/** metav1.GetControllerOf. */
export const controllerOf = (meta: ObjectMeta | undefined): OwnerReference | undefined =>
  meta?.ownerReferences?.find((r) => r.controller === true);

/** "kind.group/name" lower-cased, as upstream's formatResourceName with a kind. */
export function kindName(apiVersion: string, kind: string, name: string): string {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (!kind && !group) return name;
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${name}`;
}

export const boolCell = (v: boolean | undefined): string => (v === undefined ? "<unset>" : v ? "True" : "False");
