// Upstream's StorageClass validation: provisioner, parameters, reclaim policy and binding mode, most immutable.
import type { StorageClass } from "kubernetes-types/storage/v1";
import type { FieldError } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { forbidden, invalid, invalidEach, notSupported, required, tooLong, validateImmutableField, isEqual } from "./field.ts";
import { isQualifiedName } from "./names.ts";

const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

function validateParameters(params: Record<string, string> | undefined): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > MAX_PARAMETERS) return [tooLong("parameters", MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length === 0) errs.push(invalid("parameters", k, "field can not be empty."));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > MAX_PARAMETERS_SIZE) errs.push(tooLong("parameters", MAX_PARAMETERS_SIZE));
  return errs;
}

export function validateStorageClass(sc: StorageClass, ctx: ValidationContext): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = sc.provisioner ?? "";
  if (!provisioner) errs.push(required("provisioner"));
  else errs.push(...invalidEach("provisioner", provisioner.toLowerCase(), isQualifiedName(provisioner.toLowerCase())));
  errs.push(...validateParameters(sc.parameters));
  if (sc.reclaimPolicy && !["Delete", "Retain"].includes(sc.reclaimPolicy)) {
    errs.push(notSupported("reclaimPolicy", sc.reclaimPolicy, ["Delete", "Retain"]));
  }
  if (sc.volumeBindingMode == null) errs.push(required("volumeBindingMode"));
  else if (!["Immediate", "WaitForFirstConsumer"].includes(sc.volumeBindingMode)) {
    errs.push(notSupported("volumeBindingMode", sc.volumeBindingMode, ["Immediate", "WaitForFirstConsumer"]));
  }
  const old: StorageClass | undefined = ctx.old;
  if (old) {
    if (!isEqual(old.parameters ?? {}, sc.parameters ?? {})) errs.push(forbidden("parameters", "updates to parameters are forbidden."));
    if (old.provisioner !== sc.provisioner) errs.push(forbidden("provisioner", "updates to provisioner are forbidden."));
    if (old.reclaimPolicy !== sc.reclaimPolicy) errs.push(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, "volumeBindingMode"));
  }
  return errs;
}
