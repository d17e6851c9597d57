// `kubectl get` for rbac.authorization.k8s.io/v1: roles and clusterroles print their creation time, bindings
// their role and (wide) their subjects by kind.
import type { ClusterRoleBinding, Role, RoleBinding, Subject } from "kubernetes-types/rbac/v1";
import type { TableDef } from "../scheme.ts";
import { age, ageColumn, column, nameColumn, rfc3339 } from "./format.ts";

export const roleTable: TableDef = {
  columns: [nameColumn, column("Created At", "string", "The object's creationTimestamp (RFC 3339).")],
  cells: (r: Role) => [r.metadata?.name ?? "", rfc3339(r.metadata?.creationTimestamp)],
};

function subjects(list: readonly Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of list ?? []) {
    if (s.kind === "ServiceAccount") sas.push(`${s.namespace ?? ""}/${s.name}`);
    else if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

export const roleBindingTable: TableDef = {
  columns: [
    nameColumn,
    column("Role", "string", "The role the binding grants (kind/name)."),
    ageColumn,
    column("Users", "string", "Users the binding names.", 1),
    column("Groups", "string", "Groups the binding names.", 1),
    column("ServiceAccounts", "string", "Service accounts the binding names (namespace/name).", 1),
  ],
  cells: (b: RoleBinding | ClusterRoleBinding, now: Date) => [
    b.metadata?.name ?? "",
    `${b.roleRef?.kind ?? ""}/${b.roleRef?.name ?? ""}`,
    age(b.metadata, now),
    ...subjects(b.subjects),
  ],
};
