// Upstream's rbac/v1 defaults: role references and User/Group subjects belong to the RBAC API group.
import type { ClusterRoleBinding, RoleBinding, Subject } from "kubernetes-types/rbac/v1";
import { RBAC_GROUP } from "../validation/rbac.ts";

function defaultSubject(s: Subject): void {
  if (!s.apiGroup && (s.kind === "User" || s.kind === "Group")) s.apiGroup = RBAC_GROUP;
}

export function defaultBinding(b: RoleBinding | ClusterRoleBinding): void {
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) defaultSubject(s);
}
