// The Namespace kind: spec.finalizers must be standard or fully qualified names.
import type { Namespace } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { invalid, invalidEach } from "../field.ts";
import { isQualifiedName } from "../names.ts";

const STANDARD_FINALIZERS = ["kubernetes", "orphan", "foregroundDeletion"];

export function validateNamespace(ns: Namespace): FieldError[] {
  return (ns.spec?.finalizers ?? []).flatMap((f) => {
    const errs = invalidEach("spec.finalizers", f, isQualifiedName(f));
    if (!f.includes("/") && !STANDARD_FINALIZERS.includes(f)) errs.push(invalid("spec.finalizers", f, "name is neither a standard finalizer name nor is it fully qualified"));
    return errs;
  });
}
