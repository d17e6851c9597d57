// Upstream's ObjectMeta validation (apimachinery api/validation/objectmeta.go), for every kind on create and update.
import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import type { FieldError } from "../errors.ts";
import { forbidden, invalid, invalidEach, required, tooLong, validateImmutableField, validateNonnegativeField } from "./field.ts";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "./names.ts";

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** Name must be a DNS-1123 label (Namespace); otherwise a DNS-1123 subdomain. */
  nameIsDNSLabel?: boolean;
  /** Name must be a DNS-1035 label (Service); wins over nameIsDNSLabel. */
  nameIsDNS1035Label?: boolean;
}

/** Upstream masks a trailing dash of a generateName so the prefix alone can pass the name check. */
const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith("-") ? `${name.slice(0, -1)}a` : name);

function nameCheck(opts: ObjectMetaOptions): (name: string) => string[] {
  if (opts.nameIsDNS1035Label) return isDNS1035Label;
  return opts.nameIsDNSLabel ? isDNS1123Label : isDNS1123Subdomain;
}

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k)));
    errs.push(...invalidEach(path, v, isValidLabelValue(v)));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names, except that case does not matter.
    errs.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(v ?? "");
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = "";
  for (const ref of refs ?? []) {
    const apiVersion = ref.apiVersion ?? "";
    const version = apiVersion.includes("/") ? apiVersion.slice(apiVersion.indexOf("/") + 1) : apiVersion;
    if (!version) errs.push(invalid(`${path}.apiVersion`, apiVersion, "version must not be empty"));
    if (!ref.kind) errs.push(invalid(`${path}.kind`, ref.kind ?? "", "must not be empty"));
    if (!ref.name) errs.push(invalid(`${path}.name`, ref.name ?? "", "must not be empty"));
    if (!ref.uid) errs.push(invalid(`${path}.uid`, ref.uid ?? "", "must not be empty"));
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const list = finalizers ?? [];
  const errs = list.flatMap((f) => invalidEach(path, f, isQualifiedName(f)));
  if (list.includes("orphan") && list.includes("foregroundDeletion")) {
    errs.push(invalid(path, list, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

/** Validates metadata on create. The API server calls this for every kind before the kind's own validator. */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, path = "metadata"): FieldError[] {
  const m = meta ?? {};
  const check = nameCheck(opts);
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...invalidEach(`${path}.generateName`, m.generateName, check(maskTrailingDash(m.generateName))));
  if (!m.name) errs.push(required(`${path}.name`, "name or generateName is required"));
  else errs.push(...invalidEach(`${path}.name`, m.name, check(m.name)));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required(`${path}.namespace`));
    else errs.push(...invalidEach(`${path}.namespace`, m.namespace, isDNS1123Label(m.namespace)));
  } else if (m.namespace) {
    errs.push(forbidden(`${path}.namespace`, "not allowed on this type"));
  }
  errs.push(...validateNonnegativeField(m.generation ?? 0, `${path}.generation`));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  return errs;
}

/**
 * Validates metadata on update. Expects resourceVersion already filled in for unconditional updates, as
 * upstream's store does before validating.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, path = "metadata"): FieldError[] {
  const m = meta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const added = (m.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (added.length) {
      errs.push(forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers []string{${[...new Set(added)].sort().map((f) => JSON.stringify(f)).join(", ")}}`));
    }
  }
  if (!m.resourceVersion) errs.push(invalid(`${path}.resourceVersion`, m.resourceVersion ?? "", "must be specified for an update"));
  if ((m.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid(`${path}.generation`, m.generation ?? 0, "must not be decremented"));
  errs.push(...validateImmutableField(m.name ?? "", o.name ?? "", `${path}.name`));
  errs.push(...validateImmutableField(m.namespace ?? "", o.namespace ?? "", `${path}.namespace`));
  errs.push(...validateImmutableField(m.uid ?? "", o.uid ?? "", `${path}.uid`));
  errs.push(...validateImmutableField(m.creationTimestamp, o.creationTimestamp, `${path}.creationTimestamp`));
  errs.push(...validateImmutableField(m.deletionTimestamp, o.deletionTimestamp, `${path}.deletionTimestamp`));
  errs.push(...validateImmutableField(m.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, `${path}.deletionGracePeriodSeconds`));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  return errs;
}
