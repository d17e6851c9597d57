// Pod volumes (upstream's ValidateVolumes / validateVolumeSource): unique DNS-label names, exactly one source,
// and the checks of the commonly used sources.
import type { DownwardAPIVolumeFile, KeyToPath, Volume, VolumeProjection } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { duplicate, forbidden, invalid, invalidEach, notSupported, required } from "../field.ts";
import { isDNS1123Label } from "../names.ts";
import { validateLocalDescendingPath, validateObjectFieldSelector, validateResourceFieldRef } from "./container.ts";
import { parseQuantity } from "../quantity.ts";

// Upstream's order of checks, which decides which source gets "may not specify more than 1 volume type".
const SOURCES = [
  "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs",
  "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "azureFile",
  "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "configMap", "projected",
  "scaleIO", "csi", "ephemeral", "image",
] as const;

export const HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];
const FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";
const VOLUME_FIELD_PATHS = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];

const validateMode = (mode: number | undefined, path: string): FieldError[] =>
  mode !== undefined && (mode < 0 || mode > 0o777) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];

/** Item paths inside a volume: relative, no "..", not starting with "..". */
function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith("..")) errs.push(invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateKeyToPaths(items: KeyToPath[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((kp, i) => {
    const p = `${path}[${i}]`;
    if (!kp.key) errs.push(required(`${p}.key`));
    if (!kp.path) errs.push(required(`${p}.path`));
    errs.push(...validateLocalNonReservedPath(kp.path ?? "", `${p}.path`));
    errs.push(...validateMode(kp.mode, `${p}.mode`));
  });
  return errs;
}

function validateDownwardAPIFiles(items: DownwardAPIVolumeFile[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((f, i) => {
    const p = `${path}[${i}]`;
    if (!f.path) errs.push(required(`${p}.path`));
    errs.push(...validateLocalNonReservedPath(f.path ?? "", `${p}.path`));
    if (f.fieldRef) {
      errs.push(...validateObjectFieldSelector(f.fieldRef, VOLUME_FIELD_PATHS, `${p}.fieldRef`));
      if (f.resourceFieldRef) errs.push(invalid(p, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
    } else if (f.resourceFieldRef) {
      errs.push(...validateResourceFieldRef(f.resourceFieldRef, `${p}.resourceFieldRef`, true));
    } else {
      errs.push(required(p, "one of fieldRef and resourceFieldRef is required"));
    }
    errs.push(...validateMode(f.mode, `${p}.mode`));
  });
  return errs;
}

function validateProjections(sources: VolumeProjection[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((s, i) => {
    const p = `${path}[${i}]`;
    let n = 0;
    if (s.secret) {
      n++;
      if (!s.secret.name) errs.push(required(`${p}.secret.name`));
      errs.push(...validateKeyToPaths(s.secret.items, `${p}.secret.items`));
    }
    if (s.configMap) {
      n++;
      if (!s.configMap.name) errs.push(required(`${p}.configMap.name`));
      errs.push(...validateKeyToPaths(s.configMap.items, `${p}.configMap.items`));
    }
    if (s.downwardAPI) {
      n++;
      errs.push(...validateDownwardAPIFiles(s.downwardAPI.items, `${p}.downwardAPI.items`));
    }
    if (s.serviceAccountToken) {
      n++;
      const t = s.serviceAccountToken;
      if ((t.expirationSeconds ?? 3600) < 600) errs.push(invalid(`${p}.serviceAccountToken.expirationSeconds`, t.expirationSeconds, "may not specify a duration less than 10 minutes"));
      if (!t.path) errs.push(required(`${p}.serviceAccountToken.path`));
    }
    if (s.clusterTrustBundle) n++;
    if (n > 1) errs.push(forbidden(p, "may not specify more than 1 volume type per source"));
  });
  return errs;
}

/** Source-specific checks for the source `key` of a volume. */
function validateSource(key: (typeof SOURCES)[number], src: any, p: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case "emptyDir":
      if (src.sizeLimit !== undefined && (parseQuantity(src.sizeLimit)?.nanos ?? 0n) < 0n) errs.push(forbidden(`${p}.sizeLimit`, "SizeLimit field must be a valid resource quantity"));
      break;
    case "hostPath":
      if (!src.path) return [required(`${p}.path`)];
      if (String(src.path).split("/").includes("..")) errs.push(invalid(`${p}.path`, src.path, "must not contain '..'"));
      if (src.type !== undefined && src.type !== null && !HOST_PATH_TYPES.includes(src.type)) errs.push(notSupported(`${p}.type`, src.type, HOST_PATH_TYPES));
      break;
    case "secret":
      if (!src.secretName) errs.push(required(`${p}.secretName`));
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(src.items, `${p}.items`));
      break;
    case "configMap":
      if (!src.name) errs.push(required(`${p}.name`));
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(src.items, `${p}.items`));
      break;
    case "downwardAPI":
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      errs.push(...validateDownwardAPIFiles(src.items, `${p}.items`));
      break;
    case "projected":
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      errs.push(...validateProjections(src.sources, `${p}.sources`));
      break;
    case "persistentVolumeClaim":
      if (!src.claimName) errs.push(required(`${p}.claimName`));
      break;
    case "nfs":
      errs.push(...validateNfsSource(src, p));
      break;
    case "csi":
      if (!src.driver) errs.push(required(`${p}.driver`));
      break;
    case "ephemeral":
      if (!src.volumeClaimTemplate) errs.push(required(`${p}.volumeClaimTemplate`));
      break;
    case "image":
      if (!src.reference) errs.push(required(`${p}.reference`));
      break;
  }
  return errs;
}

/** Validates spec.volumes; returns the errors and the names of the valid volumes (for mount checks). */
export function validateVolumes(volumes: Volume[] | undefined, path: string): { names: Set<string>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((vol, i) => {
    const p = `${path}[${i}]`;
    const el: FieldError[] = [];
    let n = 0;
    for (const key of SOURCES) {
      const src = (vol as any)[key];
      if (src === undefined || src === null) continue;
      if (n > 0) {
        el.push(forbidden(`${p}.${key}`, "may not specify more than 1 volume type"));
        continue;
      }
      n++;
      el.push(...validateSource(key, src, `${p}.${key}`));
    }
    if (n === 0) el.push(required(p, "must specify a volume type"));
    if (!vol.name) el.push(required(`${p}.name`));
    else el.push(...invalidEach(`${p}.name`, vol.name, isDNS1123Label(vol.name)));
    if (names.has(vol.name)) el.push(duplicate(`${p}.name`, vol.name));
    // Only valid volumes may be mounted, as upstream: an invalid one also yields "not found" at its mounts.
    if (el.length === 0) names.add(vol.name);
    else errs.push(...el);
  });
  return { names, errs };
}

/** An NFS source, in pod volumes and PersistentVolumes alike: a server and an absolute path. */
export function validateNfsSource(src: { server?: string; path?: string }, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!src.server) errs.push(required(`${p}.server`));
  if (!src.path) errs.push(required(`${p}.path`));
  else if (!String(src.path).startsWith("/")) errs.push(invalid(`${p}.path`, src.path, "must be an absolute path"));
  return errs;
}
