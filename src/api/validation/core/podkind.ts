// The Pod kind: full spec validation on create and update, and upstream's rules for what an update may change.
import type { Container, Pod, PodSpec, Toleration } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { forbidden, invalid, isEqual, required } from "../field.ts";
import { inclusiveRangeError } from "../names.ts";
import { specDiff } from "../diff.ts";
import { validatePodSpec } from "./pod.ts";
import { validateTolerations } from "./scheduling.ts";

const MAX_INT32 = 2147483647;

const UPDATABLE_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

/** Images are checked for surrounding whitespace only on pods (templates tolerate it for compatibility). */
function validateImageWhitespace(containers: Container[] | undefined, path: string): FieldError[] {
  return (containers ?? []).flatMap((c, i) =>
    c.image && c.image.trim() !== c.image ? [invalid(`${path}[${i}].image`, c.image, "must not have leading or trailing whitespace")] : []);
}

/** Returns errors and whether to stop (a changed container count makes the rest meaningless). */
function validateContainerUpdates(next: Container[] | undefined, prev: Container[] | undefined, path: string): [FieldError[], boolean] {
  if ((next ?? []).length !== (prev ?? []).length) return [[forbidden(path, "pod updates may not add or remove containers")], true];
  const errs: FieldError[] = [];
  (next ?? []).forEach((c, i) => { if (!c.image) errs.push(required(`${path}[${i}].image`)); });
  errs.push(...validateImageWhitespace(next, path));
  return [errs, false];
}

/** Existing tolerations may only change their tolerationSeconds; new ones may be added. */
function validateOnlyAddedTolerations(next: Toleration[] | undefined, prev: Toleration[] | undefined, path: string): FieldError[] {
  for (const old of prev ?? []) {
    const kept = (next ?? []).some((t) => isEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) return [forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const spec: PodSpec = pod.spec ?? ({} as PodSpec);
  const oldSpec: PodSpec = old.spec ?? ({} as PodSpec);
  const errs: FieldError[] = [];
  for (const key of ["containers", "initContainers"] as const) {
    const [e, stop] = validateContainerUpdates(spec[key], oldSpec[key], `spec.${key}`);
    errs.push(...e);
    if (stop) return errs;
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null) {
    if (ads < 0 || ads > MAX_INT32) return [...errs, invalid("spec.activeDeadlineSeconds", ads, inclusiveRangeError(0, MAX_INT32))];
    const oldAds = oldSpec.activeDeadlineSeconds;
    if (oldAds !== undefined && oldAds !== null && oldAds < ads) {
      return [...errs, invalid("spec.activeDeadlineSeconds", ads, "must be less than or equal to previous value")];
    }
  } else if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds !== null) {
    errs.push(invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, "spec.tolerations"));

  // Overlay what may change onto the new spec; anything still different is a forbidden change.
  const munged: PodSpec = structuredClone(spec);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: oldSpec.containers?.[i]?.image ?? c.image }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: oldSpec.initContainers?.[i]?.image ?? c.image }));
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.tolerations = oldSpec.tolerations;
  munged.schedulingGates = oldSpec.schedulingGates;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace !== null && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!isEqual(munged, oldSpec)) {
    errs.push(forbidden("spec", `pod updates may not change fields other than ${UPDATABLE_FIELDS.join(",")}\n${specDiff("core.PodSpec", oldSpec, munged)}`));
  }
  return errs;
}

export function validatePod(pod: Pod, ctx: ValidationContext): FieldError[] {
  const errs = validatePodSpec(pod.spec, "spec");
  if (!ctx.old) {
    errs.push(...validateImageWhitespace(pod.spec?.containers, "spec.containers"));
    errs.push(...validateImageWhitespace(pod.spec?.initContainers, "spec.initContainers"));
    if (pod.spec?.ephemeralContainers?.length) errs.push(forbidden("spec.ephemeralContainers", "cannot be set on create"));
    return errs;
  }
  return [...errs, ...validatePodUpdate(pod, ctx.old as Pod)];
}
