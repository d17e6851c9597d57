// Upstream's policy/v1 PodDisruptionBudget validation.
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { FieldError } from "../errors.ts";
import { GoLiteral } from "../errors.ts";
import { invalid, notSupported } from "./field.ts";
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from "./intorpercent.ts";
import { validateLabelSelector } from "./labelselector.ts";

const EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"];

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const spec = pdb.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable != null && spec.maxUnavailable != null) {
    // Upstream prints the whole spec struct, pointers as addresses; the shape is kept, the addresses are not.
    const ptr = (type: string, v: unknown) => `(*${type})(${v == null ? "nil" : "0xc000000000"})`;
    const text = `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr("intstr.IntOrString", 1)}, Selector:${ptr("v1.LabelSelector", spec.selector)}, `
      + `MaxUnavailable:${ptr("intstr.IntOrString", 1)}, UnhealthyPodEvictionPolicy:${ptr("policy.UnhealthyPodEvictionPolicyType", spec.unhealthyPodEvictionPolicy)}}`;
    errs.push(invalid("spec", new GoLiteral(text), "minAvailable and maxUnavailable cannot be both set"));
  }
  for (const f of ["minAvailable", "maxUnavailable"] as const) {
    if (spec[f] == null) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`), ...isNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  if (spec.unhealthyPodEvictionPolicy != null && !EVICTION_POLICIES.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(notSupported("spec.unhealthyPodEvictionPolicy", spec.unhealthyPodEvictionPolicy, EVICTION_POLICIES));
  }
  return errs;
}
