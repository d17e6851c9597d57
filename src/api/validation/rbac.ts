// Upstream's RBAC validation (pkg/apis/rbac/validation): rules, role references and subjects.
import type { AggregationRule, ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from "kubernetes-types/rbac/v1";
import type { FieldError } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { invalid, invalidEach, notSupported, required } from "./field.ts";
import { isDNS1123Subdomain } from "./names.ts";
import { validateLabelSelector } from "./labelselector.ts";
import { goStrings, goStruct } from "./gofmt.ts";

export const RBAC_GROUP = "rbac.authorization.k8s.io";

/** path.IsValidPathSegmentName: what a name must be to appear as one URL segment. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  return ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.verbs?.length) errs.push(required(`${path}.verbs`, "verbs must contain at least one value"));
  if (rule.nonResourceURLs?.length) {
    if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, goStrings(rule.nonResourceURLs), "namespaced rules cannot apply to non-resource URLs"));
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.push(invalid(`${path}.nonResourceURLs`, goStrings(rule.nonResourceURLs), "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if (!rule.apiGroups?.length) errs.push(required(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  if (!rule.resources?.length) errs.push(required(`${path}.resources`, "resource rules must supply at least one resource"));
  return errs;
}

const validateRules = (rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] =>
  (rules ?? []).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));

function validateAggregationRule(rule: AggregationRule | undefined): FieldError[] {
  if (!rule) return [];
  const path = "aggregationRule.clusterRoleSelectors";
  const selectors = rule.clusterRoleSelectors ?? [];
  if (selectors.length === 0) return [required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil")];
  return selectors.flatMap((s, i) => validateLabelSelector(s, `${path}[${i}]`));
}

export const validateRole = (role: Role): FieldError[] => validateRules(role.rules, true);

export function validateClusterRole(role: ClusterRole): FieldError[] {
  return [...validateRules(role.rules, false), ...validateAggregationRule(role.aggregationRule)];
}

export function validateSubject(s: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(`${path}.name`));
  switch (s.kind) {
    case "ServiceAccount":
      if (s.name) errs.push(...invalidEach(`${path}.name`, s.name, isDNS1123Subdomain(s.name)));
      if (s.apiGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, [""]));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`));
      break;
    case "User":
    case "Group":
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? "", [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

const goRoleRef = (r: RoleRef | undefined) => goStruct("rbac.RoleRef", [["APIGroup", r?.apiGroup], ["Kind", r?.kind], ["Name", r?.name]]);

function validateBinding(b: RoleBinding | ClusterRoleBinding, kinds: string[], namespaced: boolean, old: RoleBinding | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const ref: Partial<RoleRef> = b.roleRef ?? {};
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [RBAC_GROUP]));
  if (!kinds.includes(ref.kind ?? "")) errs.push(notSupported("roleRef.kind", ref.kind ?? "", kinds));
  if (!ref.name) errs.push(required("roleRef.name"));
  else errs.push(...invalidEach("roleRef.name", ref.name, isValidPathSegmentName(ref.name)));
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  if (old) {
    const o: Partial<RoleRef> = old.roleRef ?? {};
    if (o.apiGroup !== ref.apiGroup || o.kind !== ref.kind || o.name !== ref.name) {
      errs.push(invalid("roleRef", goRoleRef(b.roleRef), "cannot change roleRef"));
    }
  }
  return errs;
}

export const validateRoleBinding = (b: RoleBinding, ctx: ValidationContext): FieldError[] =>
  validateBinding(b, ["Role", "ClusterRole"], true, ctx.old);

export const validateClusterRoleBinding = (b: ClusterRoleBinding, ctx: ValidationContext): FieldError[] =>
  validateBinding(b, ["ClusterRole"], false, ctx.old);
