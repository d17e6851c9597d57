// The ResourceQuota kind: quota resource names and values, scopes valid for the resources, scopes immutable.
import type { ResourceQuota } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { invalid, notSupported, required } from "../field.ts";
import { quantityAt, validateResourceName, validateResourceQuantityValue } from "./resources.ts";

const QUOTA_RESOURCES = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas",
  "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
]);
const SCOPES = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"];
const POD_RESOURCES = new Set(["pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]);
const isQuotaResource = (name: string): boolean => QUOTA_RESOURCES.has(name) || /^(requests\.)?hugepages-/.test(name);

function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!errs.length && !name.includes("/") && !isQuotaResource(name)) errs.push(invalid(path, name, "must be a standard resource for quota"));
  return errs;
}

function validateList(list: Record<string, unknown> | undefined, path: string, errs: FieldError[]): void {
  for (const [k, v] of Object.entries(list ?? {})) {
    const p = `${path}[${k}]`;
    errs.push(...validateQuotaResourceName(k, p));
    const q = quantityAt(v, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(k, q, p));
  }
}

function validateScopes(rq: ResourceQuota): FieldError[] {
  const scopes = rq.spec?.scopes ?? [];
  if (!scopes.length) return [];
  const errs: FieldError[] = [];
  const hard = Object.keys(rq.spec?.hard ?? {});
  for (const scope of scopes) {
    if (!SCOPES.includes(scope)) errs.push(invalid("spec.scopes", scopes, "unsupported scope"));
    for (const k of hard) {
      const valid = scope === "BestEffort" ? k === "pods" : POD_RESOURCES.has(k);
      if (isQuotaResource(k) && !valid) errs.push(invalid("spec.scopes", scopes, "unsupported scope applied to resource"));
    }
  }
  if ((scopes.includes("BestEffort") && scopes.includes("NotBestEffort")) || (scopes.includes("Terminating") && scopes.includes("NotTerminating"))) {
    errs.push(invalid("spec.scopes", scopes, "conflicting scopes"));
  }
  return errs;
}

function validateScopeSelector(rq: ResourceQuota): FieldError[] {
  const errs: FieldError[] = [];
  (rq.spec?.scopeSelector?.matchExpressions ?? []).forEach((req, i) => {
    const p = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!SCOPES.includes(req.scopeName)) errs.push(invalid(`${p}.scopeName`, req.scopeName, "unsupported scope"));
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (!values.length) errs.push(required(`${p}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length) errs.push(invalid(`${p}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
        break;
      default:
        errs.push(notSupported(`${p}.operator`, req.operator, ["DoesNotExist", "Exists", "In", "NotIn"]));
    }
  });
  return errs;
}

export function validateResourceQuota(rq: ResourceQuota, ctx: ValidationContext): FieldError[] {
  const errs: FieldError[] = [];
  validateList(rq.spec?.hard, "spec.hard", errs);
  errs.push(...validateScopes(rq), ...validateScopeSelector(rq));
  validateList(rq.status?.hard, "status.hard", errs);
  validateList(rq.status?.used, "status.used", errs);
  if (ctx.old) {
    const prev = [...new Set((ctx.old as ResourceQuota).spec?.scopes ?? [])].sort();
    const next = [...new Set(rq.spec?.scopes ?? [])].sort();
    if (prev.join() !== next.join()) errs.push(invalid("spec.scopes", rq.spec?.scopes ?? null, "field is immutable"));
  }
  return errs;
}
