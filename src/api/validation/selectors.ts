// The selector checks every workload kind shares: required, valid, not empty, and matching its pod template.
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { FieldError } from "../errors.ts";
import { invalid, required } from "./field.ts";
import { validateLabelSelector } from "./labelselector.ts";
import { goLabelSelector, goMap } from "./gofmt.ts";
import { labelSelectorMatcher } from "../selectors/labels.ts";
import type { LabelMatcher } from "../selectors/labels.ts";

/** metav1.LabelSelectorAsSelector; undefined where upstream's conversion fails. Nil selects nothing. */
export function selectorMatcher(sel: LabelSelector | null | undefined): LabelMatcher | undefined {
  try {
    return labelSelectorMatcher(sel);
  } catch {
    return undefined;
  }
}

export const isEmptySelector = (sel: LabelSelector): boolean =>
  Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;

/** Required, valid and non-empty; `what` names the kind in the empty-selector message as upstream does. */
export function validateWorkloadSelector(sel: LabelSelector | null | undefined, path: string, what: string): FieldError[] {
  if (sel == null) return [required(path)];
  const errs = validateLabelSelector(sel, path);
  if (isEmptySelector(sel)) errs.push(invalid(path, goLabelSelector(sel), `empty selector is invalid for ${what}`));
  return errs;
}

/** The template-labels check; `labelsPath` is `<template>.metadata.labels`. */
export function selectorMismatch(m: LabelMatcher, labels: Record<string, string> | undefined, labelsPath: string): FieldError[] {
  return m.matches(labels ?? {}) ? [] : [invalid(labelsPath, goMap(labels), "`selector` does not match template `labels`")];
}
