// The PersistentVolume kind: access modes, a single storage capacity, exactly one source, reclaim policy;
// the source and volumeMode are immutable after creation.
import type { PersistentVolume, PersistentVolumeSpec } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { forbidden, invalid, invalidEach, isEqual, notSupported, required, validateImmutableField } from "../field.ts";
import { isDNS1123Subdomain } from "../names.ts";
import { specDiff } from "../diff.ts";
import { quantityAt } from "./resources.ts";
import { HOST_PATH_TYPES, validateNfsSource } from "./volumes.ts";

export const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
export const VOLUME_MODES = ["Block", "Filesystem"];
const RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"];
const PV_SOURCES = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd", "quobyte", "cephfs",
  "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume",
  "azureDisk", "scaleIO", "local", "storageos", "csi",
] as const;

/** Access modes: at least one, known, and ReadWriteOncePod alone. Shared with PVCs. */
export function validateAccessModes(modes: string[] | undefined, path: string, requiredDetail = ""): FieldError[] {
  const list = modes ?? [];
  if (!list.length) return [required(path, requiredDetail)];
  const errs = list.filter((m) => !ACCESS_MODES.includes(m)).map((m) => notSupported(path, m, ACCESS_MODES));
  if (list.includes("ReadWriteOncePod") && list.length > 1) errs.push(forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

function validateSource(key: (typeof PV_SOURCES)[number], src: any, p: string, spec: PersistentVolumeSpec): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case "hostPath":
      if (!src.path) return [required(`${p}.path`)];
      if (String(src.path).split("/").includes("..")) errs.push(invalid(`${p}.path`, src.path, "must not contain '..'"));
      if (src.type !== undefined && src.type !== null && !HOST_PATH_TYPES.includes(src.type)) errs.push(notSupported(`${p}.type`, src.type, HOST_PATH_TYPES));
      break;
    case "nfs":
      errs.push(...validateNfsSource(src, p));
      break;
    case "local":
      if (!src.path) errs.push(required(`${p}.path`));
      else if (!String(src.path).startsWith("/")) errs.push(invalid(`${p}.path`, src.path, "must be an absolute path"));
      if (!spec.nodeAffinity?.required) errs.push(required("spec.nodeAffinity", "Local volume requires node affinity"));
      break;
    case "csi":
      if (!src.driver) errs.push(required(`${p}.driver`));
      if (!src.volumeHandle) errs.push(required(`${p}.volumeHandle`));
      break;
  }
  return errs;
}

function validatePVSpec(spec: PersistentVolumeSpec): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, "spec.accessModes");
  const capacity = spec.capacity ?? {};
  const names = Object.keys(capacity);
  if (!names.length) errs.push(required("spec.capacity"));
  if (!("storage" in capacity) || names.length > 1) errs.push(notSupported("spec.capacity", capacity, ["storage"]));
  for (const [k, v] of Object.entries(capacity)) {
    const q = quantityAt(v, `spec.capacity[${k}]`, errs);
    if (q && q.nanos <= 0n) errs.push(invalid(`spec.capacity[${k}]`, v, "must be greater than zero"));
  }
  if (spec.storageClassName) errs.push(...invalidEach("spec.storageClassName", spec.storageClassName, isDNS1123Subdomain(spec.storageClassName)));
  if (spec.volumeMode && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported("spec.volumeMode", spec.volumeMode, VOLUME_MODES));
  let n = 0;
  for (const key of PV_SOURCES) {
    const src = (spec as any)[key];
    if (src === undefined || src === null) continue;
    if (n > 0) {
      errs.push(forbidden(`spec.${key}`, "may not specify more than 1 volume type"));
      continue;
    }
    n++;
    errs.push(...validateSource(key, src, `spec.${key}`, spec));
  }
  if (n === 0) errs.push(required("spec", "must specify a volume type"));
  if (spec.hostPath && spec.hostPath.path.replace(/\/+$/, "") === "" && spec.persistentVolumeReclaimPolicy === "Recycle") {
    errs.push(forbidden("spec.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !RECLAIM_POLICIES.includes(policy)) errs.push(notSupported("spec.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES));
  return errs;
}

const sourceOf = (spec: PersistentVolumeSpec | undefined): Record<string, unknown> =>
  Object.fromEntries(PV_SOURCES.filter((k) => (spec as any)?.[k] !== undefined).map((k) => [k, (spec as any)[k]]));

export function validatePersistentVolume(pv: PersistentVolume, ctx: ValidationContext): FieldError[] {
  const errs = validatePVSpec(pv.spec ?? {});
  if (ctx.old) {
    const old = ctx.old as PersistentVolume;
    const prev = sourceOf(old.spec);
    const next = sourceOf(pv.spec);
    if (!isEqual(prev, next)) {
      errs.push(forbidden("spec.persistentvolumesource", `spec.persistentvolumesource is immutable after creation\n${specDiff("core.PersistentVolumeSource", prev, next)}`));
    }
    errs.push(...validateImmutableField(pv.spec?.volumeMode, old.spec?.volumeMode, "volumeMode"));
    if (old.spec?.nodeAffinity && !isEqual(pv.spec?.nodeAffinity, old.spec.nodeAffinity)) {
      errs.push(invalid("nodeAffinity.required", pv.spec?.nodeAffinity?.required ?? null, "field is immutable"));
    }
  }
  return errs;
}
