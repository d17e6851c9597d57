// Resource names and quantities (upstream's validateResourceName, ValidateResourceQuantityValue and
// validateResourceRequirements), shared by containers, LimitRange, ResourceQuota and PVCs.
import type { FieldError } from "../../errors.ts";
import { forbidden, invalid, invalidEach, required } from "../field.ts";
import { isQualifiedName } from "../names.ts";
import { QUANTITY_FORMAT_ERROR, compareQuantities, formatQuantity, parseQuantity } from "../quantity.ts";
import type { Quantity } from "../quantity.ts";

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
const STANDARD_QUOTA_RESOURCES = new Set([
  "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
  "services.nodeports", "services.loadbalancers", "storage", "requests.storage", "requests.cpu", "requests.memory",
  "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
]);
const INTEGER_RESOURCES = new Set([
  "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
  "services.nodeports", "services.loadbalancers",
]);

const isHugePages = (name: string): boolean => name.startsWith("hugepages-") || name.startsWith("requests.hugepages-") || name.startsWith("limits.hugepages-");
/** Native resources have no domain prefix or live under kubernetes.io. */
export const isNativeResource = (name: string): boolean => !name.includes("/") || name.includes("kubernetes.io/");
const isExtendedResource = (name: string): boolean =>
  !isNativeResource(name) && !name.startsWith("requests.") && isQualifiedName(`requests.${name}`).length === 0;
const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePages(name);
export const isStandardResourceName = (name: string): boolean =>
  STANDARD_CONTAINER_RESOURCES.has(name) || STANDARD_QUOTA_RESOURCES.has(name) || isHugePages(name) || name.startsWith("count/");

/** Upstream's validateResourceName: a qualified name, and a known one when it has no prefix. */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = invalidEach(path, name, isQualifiedName(name));
  if (errs.length) return errs;
  if (!name.includes("/") && !isStandardResourceName(name)) errs.push(invalid(path, name, "must be a standard resource type or fully qualified"));
  return errs;
}

export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/")) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith("hugepages-")) errs.push(invalid(path, name, "must be a standard resource for containers"));
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses one quantity of a resource list, reporting it as upstream's decoder would. */
export function quantityAt(value: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const q = typeof value === "string" || typeof value === "number" ? parseQuantity(value) : undefined;
  if (!q) errs.push(invalid(path, value ?? null, QUANTITY_FORMAT_ERROR));
  return q;
}

/** Upstream's ValidateResourceQuantityValue: non-negative, and whole for countable resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.nanos < 0n) errs.push(invalid(path, formatQuantity(q), "must be greater than or equal to 0"));
  if ((INTEGER_RESOURCES.has(name) || name.startsWith("count/") || isExtendedResource(name)) && q.nanos % 1_000_000_000n !== 0n) {
    errs.push(invalid(path, formatQuantity(q), "must be an integer"));
  }
  return errs;
}

export interface ResourceRequirementsLike {
  limits?: Record<string, unknown>;
  requests?: Record<string, unknown>;
}

/** Container resources: names, values, and requests within limits (equal for non-overcommitable ones). */
export function validateResourceRequirements(
  req: ResourceRequirementsLike | undefined,
  path: string,
  nameCheck: (name: string, path: string) => FieldError[] = validateContainerResourceName,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!req) return errs;
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = new Map<string, Quantity>();
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, value] of Object.entries(req.limits ?? {})) {
    const p = `${limPath}[${name}]`;
    errs.push(...nameCheck(name, p));
    const q = quantityAt(value, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    limits.set(name, q);
    if (name === "cpu" || name === "memory") cpuOrMemory = true;
    if (isHugePages(name)) hugePages = true;
  }
  for (const [name, value] of Object.entries(req.requests ?? {})) {
    const p = `${reqPath}[${name}]`;
    errs.push(...nameCheck(name, p));
    const q = quantityAt(value, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name) && !(name in (req.limits ?? {}))) {
      errs.push(required(limPath, "Limit must be set for non overcommitable resources"));
    }
    if (name === "cpu" || name === "memory") cpuOrMemory = true;
    if (isHugePages(name)) hugePages = true;
  }
  if (hugePages && !cpuOrMemory) errs.push(forbidden(path, "HugePages require cpu or memory"));
  return errs;
}
