// The Node kind: taints, pod CIDRs (immutable once set), providerID (immutable once set), status resources.
import type { Node } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { duplicate, forbidden, invalid, invalidEach } from "../field.ts";
import { isValidCIDR } from "../names.ts";
import { validateTaints } from "./scheduling.ts";
import { quantityAt, validateResourceQuantityValue } from "./resources.ts";

const podCIDRs = (n: Node): string[] => n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []);
const CIDR_CHANGE = "node updates may not change podCIDR except from \"\" to valid";

function validateNodeSpec(node: Node): FieldError[] {
  // Upstream reports taints under metadata (a long-standing quirk kept for identical messages).
  const errs = validateTaints(node.spec?.taints, "metadata.taints");
  for (const key of ["capacity", "allocatable"] as const) {
    for (const [name, value] of Object.entries(node.status?.[key] ?? {})) {
      const p = `status.${key}.${name}`;
      const q = quantityAt(value, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(name, q, p));
    }
  }
  const cidrs = podCIDRs(node);
  cidrs.forEach((c, i) => errs.push(...invalidEach(`spec.podCIDRs[${i}]`, c, isValidCIDR(c))));
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => (c.includes(":") ? 6 : 4)));
    if (cidrs.length > 2 || families.size !== cidrs.length) errs.push(invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family"));
    cidrs.forEach((c, i) => { if (cidrs.indexOf(c) !== i) errs.push(duplicate(`spec.podCIDRs[${i}]`, c)); });
  }
  return errs;
}

function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs: FieldError[] = [];
  const prev = podCIDRs(old);
  const next = podCIDRs(node);
  if (prev.length > next.length || prev.some((c, i) => c !== next[i])) errs.push(forbidden("spec.podCIDRs", CIDR_CHANGE));
  if (old.spec?.providerID && old.spec.providerID !== node.spec?.providerID) {
    errs.push(forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid"));
  }
  if ((node.spec?.externalID ?? "") !== (old.spec?.externalID ?? "")) errs.push(forbidden("spec.externalID", "may not be updated"));
  return errs;
}

export function validateNode(node: Node, ctx: ValidationContext): FieldError[] {
  const errs = validateNodeSpec(node);
  if (ctx.old) errs.push(...validateNodeUpdate(node, ctx.old as Node));
  return errs;
}
