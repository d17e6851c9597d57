// The PersistentVolumeClaim kind: access modes, a positive storage request; after creation the spec is frozen
// except volumeName (set once by the binder) and, for bound claims, growing the storage request.
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { forbidden, invalid, invalidEach, isEqual, notSupported, required, validateImmutableField } from "../field.ts";
import { isDNS1123Subdomain } from "../names.ts";
import { validateLabelSelector } from "../labelselector.ts";
import { compareQuantities, parseQuantity } from "../quantity.ts";
import { specDiff } from "../diff.ts";
import { quantityAt, validateResourceQuantityValue } from "./resources.ts";
import { VOLUME_MODES, validateAccessModes } from "./persistentvolume.ts";

/** The claim spec, also used by StatefulSet volumeClaimTemplates and ephemeral volumes. */
export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec | undefined, path: string): FieldError[] {
  const s = spec ?? {};
  const errs = validateAccessModes(s.accessModes, `${path}.accessModes`, "at least 1 access mode is required");
  errs.push(...validateLabelSelector(s.selector, `${path}.selector`));
  const storagePath = `${path}.resources[storage]`;
  const storage = s.resources?.requests?.storage;
  if (storage === undefined) errs.push(required(storagePath));
  else {
    const q = quantityAt(storage, storagePath, errs);
    if (q && q.nanos <= 0n) errs.push(invalid(storagePath, storage, "must be greater than zero"));
    else if (q) errs.push(...validateResourceQuantityValue("storage", q, storagePath));
  }
  if (s.storageClassName) errs.push(...invalidEach(`${path}.storageClassName`, s.storageClassName, isDNS1123Subdomain(s.storageClassName)));
  if (s.volumeMode && !VOLUME_MODES.includes(s.volumeMode)) errs.push(notSupported(`${path}.volumeMode`, s.volumeMode, VOLUME_MODES));
  return errs;
}

function validateClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs: FieldError[] = [];
  const next = structuredClone(pvc.spec ?? {});
  const prev = structuredClone(old.spec ?? {});
  // The binder may set volumeName once.
  if (!prev.volumeName) prev.volumeName = next.volumeName;
  // Bound claims may change their storage request (checked below); compare everything else.
  if (pvc.status?.phase === "Bound" && next.resources?.requests) next.resources.requests.storage = prev.resources?.requests?.storage as string;
  if (!isEqual(next, prev)) {
    errs.push(forbidden("spec", `spec is immutable after creation except resources.requests for bound claims\n${specDiff("core.PersistentVolumeClaimSpec", prev, next)}`));
  }
  const oldSize = parseQuantity(old.spec?.resources?.requests?.storage ?? "0");
  const newSize = parseQuantity(pvc.spec?.resources?.requests?.storage ?? "0");
  if (oldSize && newSize && compareQuantities(newSize, oldSize) < 0) {
    errs.push(forbidden("spec.resources.requests.storage", "field can not be less than previous value"));
  }
  errs.push(...validateImmutableField(pvc.spec?.volumeMode, old.spec?.volumeMode, "volumeMode"));
  return errs;
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim, ctx: ValidationContext): FieldError[] {
  const errs = validatePersistentVolumeClaimSpec(pvc.spec, "spec");
  if (ctx.old) errs.push(...validateClaimUpdate(pvc, ctx.old as PersistentVolumeClaim));
  return errs;
}
