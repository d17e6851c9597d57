// Bad values as upstream 1.32 prints them: field errors format maps and structs with Go's %#v, so kubectl
// shows e.g. `map[string]string{"app":"x"}`. These build that text once, wrapped for errors.ts to print verbatim.
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { GoLiteral } from "../errors.ts";

const q = (s: unknown): string => JSON.stringify(String(s ?? ""));

/** %#v of a map[string]string: keys sorted, `(nil)` when absent. */
export function goMapText(m: Record<string, string> | null | undefined): string {
  if (m == null) return "map[string]string(nil)";
  const body = Object.keys(m).sort().map((k) => `${q(k)}:${q(m[k])}`).join(", ");
  return `map[string]string{${body}}`;
}

export function goStringsText(xs: readonly string[] | null | undefined): string {
  return xs == null ? "[]string(nil)" : `[]string{${xs.map(q).join(", ")}}`;
}

/** metav1.LabelSelector (its Go package is "v1"). */
export function goLabelSelectorText(sel: LabelSelector): string {
  const exprs = sel.matchExpressions == null
    ? "[]v1.LabelSelectorRequirement(nil)"
    : `[]v1.LabelSelectorRequirement{${sel.matchExpressions
      .map((e) => `v1.LabelSelectorRequirement{Key:${q(e.key)}, Operator:${q(e.operator)}, Values:${goStringsText(e.values)}}`)
      .join(", ")}}`;
  return `v1.LabelSelector{MatchLabels:${goMapText(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

export const goMap = (m: Record<string, string> | null | undefined): GoLiteral => new GoLiteral(goMapText(m));
export const goStrings = (xs: readonly string[] | null | undefined): GoLiteral => new GoLiteral(goStringsText(xs));
/** A *LabelSelector value: nil pointers print as the string "null" upstream. */
export const goLabelSelector = (sel: LabelSelector | null | undefined): GoLiteral | string =>
  sel == null ? "null" : new GoLiteral(goLabelSelectorText(sel));

/** intstr.IntOrString{Type:0|1, IntVal, StrVal}. */
export function goIntOrString(v: number | string | null | undefined): GoLiteral {
  return typeof v === "string"
    ? new GoLiteral(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${q(v)}}`)
    : new GoLiteral(`intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`);
}

/** A struct of string fields in declaration order, e.g. rbac.RoleRef{APIGroup:"", Kind:"", Name:""}. */
export function goStruct(type: string, fields: [string, unknown][]): GoLiteral {
  return new GoLiteral(`${type}{${fields.map(([k, v]) => `${k}:${q(v)}`).join(", ")}}`);
}
