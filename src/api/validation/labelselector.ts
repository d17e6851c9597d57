// Upstream's metav1.LabelSelector validation (apimachinery meta/v1/validation).
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { FieldError } from "../errors.ts";
import { forbidden, invalid, invalidEach, required } from "./field.ts";
import { isQualifiedName, isValidLabelValue } from "./names.ts";
import { validateLabels } from "./meta.ts";

export interface LabelSelectorOptions {
  /** Skip the label-value check of matchExpressions values (upstream allows it for objects stored before the check). */
  allowInvalidLabelValueInSelector?: boolean;
}

export function validateLabelSelector(selector: LabelSelector | undefined | null, path: string, opts: LabelSelectorOptions = {}): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, req.operator ?? "", "not a valid selector operator"));
    }
    errs.push(...invalidEach(`${p}.key`, req.key ?? "", isQualifiedName(req.key ?? "")));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => errs.push(...invalidEach(`${p}.values[${j}]`, v, isValidLabelValue(v))));
    }
  });
  return errs;
}
