// Request validation of the review kinds (authorization.k8s.io): what a review must ask about.
// Upstream answers the authentication reviews' missing fields (TokenReview's token, SelfSubjectRulesReview's
// namespace) with 400 BadRequest from their handlers, not with field errors, so they are not here.
import type { SelfSubjectAccessReview, SubjectAccessReview } from "kubernetes-types/authorization/v1";
import type { FieldError } from "../errors.ts";
import { invalid } from "./field.ts";
import { goStruct } from "./gofmt.ts";

type AccessReviewSpec = SelfSubjectAccessReview["spec"] | SubjectAccessReview["spec"];

function validateAttributes(spec: Partial<AccessReviewSpec>): FieldError[] {
  // Upstream passes the nonResourceAttributes pointer in both cases; nil prints as "null".
  const n = spec.nonResourceAttributes;
  const nonResource = n ? goStruct("authorization.NonResourceAttributes", [["Path", n.path], ["Verb", n.verb]]) : "null";
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [invalid("spec.nonResourceAttributes", nonResource, "cannot be specified in combination with resourceAttributes")];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [invalid("spec.resourceAttributes", nonResource, "exactly one of nonResourceAttributes or resourceAttributes must be specified")];
  }
  return [];
}

export const validateSelfSubjectAccessReview = (r: SelfSubjectAccessReview): FieldError[] => validateAttributes(r.spec ?? {});

export function validateSubjectAccessReview(r: SubjectAccessReview): FieldError[] {
  const spec: Partial<SubjectAccessReview["spec"]> = r.spec ?? {};
  const errs = validateAttributes(spec);
  if (!spec.user && !spec.groups?.length) errs.push(invalid("spec.user", spec.user ?? "", "at least one of user or group must be specified"));
  return errs;
}
