// Upstream's PriorityClass validation: reserved "system-" names, the user ceiling, immutable value and policy.
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import type { FieldError } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { forbidden, notSupported, required, validateImmutableField } from "./field.ts";

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_PREFIX = "system-";
/** The classes the API server creates itself; only these may use the reserved prefix. */
export const SYSTEM_PRIORITY_CLASSES: readonly { name: string; value: number }[] = [
  { name: "system-node-critical", value: 2_000_001_000 },
  { name: "system-cluster-critical", value: 2_000_000_000 },
];

function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePreemptionPolicy(policy: string, path: string): FieldError[] {
  if (policy === "PreemptLowerPriority" || policy === "Never") return [];
  if (policy === "") return [required(path)];
  return [notSupported(path, policy, ["PreemptLowerPriority", "Never"])];
}

export function validatePriorityClass(pc: PriorityClass, ctx: ValidationContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata?.name ?? "";
  const value = pc.value ?? 0;
  if (name.startsWith(SYSTEM_PREFIX)) {
    const why = systemClassError(name, value, pc.globalDefault ?? false);
    if (why) errs.push(forbidden("metadata.name", `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy != null) errs.push(...validatePreemptionPolicy(pc.preemptionPolicy, "preemptionPolicy"));
  const old: PriorityClass | undefined = ctx.old;
  if (old) {
    if ((old.value ?? 0) !== value) errs.push(forbidden("value", "may not be changed in an update."));
    errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, "preemptionPolicy"));
  }
  return errs;
}
