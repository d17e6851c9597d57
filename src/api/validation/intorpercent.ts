// Upstream's int-or-percent checks (apps validation's ValidatePositiveIntOrPercent and friends), shared by
// Deployments, DaemonSets, StatefulSets and PodDisruptionBudgets.
import type { FieldError } from "../errors.ts";
import { invalid, validateNonnegativeField } from "./field.ts";
import { regexError } from "./names.ts";
import { goIntOrString } from "./gofmt.ts";

export type IntOrString = number | string;

const PERCENT_FMT = "[0-9]+%";
const percentRe = /^[0-9]+%$/;

export const isPercent = (v: unknown): v is string => typeof v === "string" && percentRe.test(v);

export function validatePositiveIntOrPercent(v: IntOrString | undefined | null, path: string): FieldError[] {
  if (typeof v === "string") {
    if (percentRe.test(v)) return [];
    return [invalid(path, goIntOrString(v), regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, "1%", "93%"))];
  }
  return validateNonnegativeField(v ?? 0, path);
}

/** The number an int-or-percent stands for; malformed strings count as 0, as upstream's IntValue does. */
export function intOrPercentValue(v: IntOrString | undefined | null): number {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return 0;
  if (percentRe.test(v)) return Number(v.slice(0, -1));
  return /^[+-]?\d+$/.test(v) ? Number(v) : 0;
}

export function isNotMoreThan100Percent(v: IntOrString | undefined | null, path: string): FieldError[] {
  if (!isPercent(v) || intOrPercentValue(v) <= 100) return [];
  return [invalid(path, v, "must not be greater than 100%")];
}
