// Upstream's Lease validation: a positive duration and non-negative transitions.
import type { Lease } from "kubernetes-types/coordination/v1";
import type { FieldError } from "../errors.ts";
import { invalid } from "./field.ts";

export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds != null && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
  }
  if (spec.leaseTransitions != null && spec.leaseTransitions < 0) {
    errs.push(invalid("spec.leaseTransitions", spec.leaseTransitions, "must be greater than or equal to 0"));
  }
  return errs;
}
