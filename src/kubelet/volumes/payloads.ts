// The files of configMap, secret, downwardAPI and projected volumes, computed from their sources. A missing
// non-optional source or key throws the cause text upstream's FailedMount event carries.
import type {
  ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, ProjectedVolumeSource, Secret, ServiceAccountTokenProjection, Volume,
} from "kubernetes-types/core/v1";
import { podFieldValue, resourceFieldValue } from "../env/field-ref.ts";
import type { Allocatable } from "../env/field-ref.ts";
import type { Payload } from "./atomic-writer.ts";
import type { TokenManager } from "./token-manager.ts";

export const DEFAULT_MODE = 0o644;

export interface PayloadSources {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  tokens: TokenManager;
  allocatable?: Allocatable;
}

/** A cause for VolumeError: the message is the event's text after the volume name. */
export class PayloadError extends Error {}

type Keyed = { kind: "configmap" | "secret"; data: Map<string, Buffer> };

function keyedData(obj: ConfigMap | Secret, kind: Keyed["kind"]): Keyed {
  const data = new Map<string, Buffer>();
  if (kind === "configmap") {
    const cm = obj as ConfigMap;
    for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v, "utf8"));
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, "base64"));
  } else {
    for (const [k, v] of Object.entries((obj as Secret).data ?? {})) data.set(k, Buffer.from(v, "base64"));
  }
  return { kind, data };
}

/** Adds an object's keys (all, or the listed items) to the payload. */
function addKeys(out: Payload, src: Keyed, items: KeyToPath[] | undefined, mode: number, optional: boolean): void {
  if (!items?.length) {
    for (const [k, data] of src.data) out.set(k, { data, mode });
    return;
  }
  for (const item of items) {
    const data = src.data.get(item.key);
    if (!data) {
      if (optional) continue;
      throw new PayloadError(src.kind === "configmap" ? `configmap references non-existent config key: ${item.key}` : `references non-existent secret key: ${item.key}`);
    }
    out.set(item.path, { data, mode: item.mode ?? mode });
  }
}

async function keyedSource(kind: Keyed["kind"], ns: string, name: string, optional: boolean, s: PayloadSources): Promise<Keyed | undefined> {
  const obj = kind === "configmap" ? await s.getConfigMap(ns, name) : await s.getSecret(ns, name);
  if (obj) return keyedData(obj, kind);
  if (optional) return undefined;
  throw new PayloadError(`${kind} "${name}" not found`);
}

function addDownward(out: Payload, pod: Pod, items: DownwardAPIVolumeFile[] | undefined, mode: number, allocatable?: Allocatable): void {
  for (const item of items ?? []) {
    let value: string;
    if (item.fieldRef) value = podFieldValue(item.fieldRef, pod);
    else if (item.resourceFieldRef) {
      const name = item.resourceFieldRef.containerName;
      const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === name);
      if (!c) throw new PayloadError(`container ${name ?? ""} not found`);
      value = resourceFieldValue(item.resourceFieldRef, c, allocatable);
    } else continue;
    out.set(item.path, { data: Buffer.from(value, "utf8"), mode: item.mode ?? mode });
  }
}

async function tokenFile(pod: Pod, p: ServiceAccountTokenProjection, s: PayloadSources): Promise<Buffer> {
  const token = await s.tokens.get({
    namespace: pod.metadata?.namespace ?? "",
    serviceAccount: pod.spec?.serviceAccountName || "default",
    audiences: p.audience ? [p.audience] : [],
    expirationSeconds: p.expirationSeconds ?? 3600,
    pod: { name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "" },
  });
  return Buffer.from(token, "utf8");
}

async function projectedPayload(pod: Pod, src: ProjectedVolumeSource, s: PayloadSources): Promise<Payload> {
  const ns = pod.metadata?.namespace ?? "";
  const mode = src.defaultMode ?? DEFAULT_MODE;
  const out: Payload = new Map();
  for (const p of src.sources ?? []) {
    if (p.configMap) {
      const k = await keyedSource("configmap", ns, p.configMap.name ?? "", !!p.configMap.optional, s);
      if (k) addKeys(out, k, p.configMap.items, mode, !!p.configMap.optional);
    } else if (p.secret) {
      const k = await keyedSource("secret", ns, p.secret.name ?? "", !!p.secret.optional, s);
      if (k) addKeys(out, k, p.secret.items, mode, !!p.secret.optional);
    } else if (p.downwardAPI) {
      addDownward(out, pod, p.downwardAPI.items, mode, s.allocatable);
    } else if (p.serviceAccountToken) {
      out.set(p.serviceAccountToken.path, { data: await tokenFile(pod, p.serviceAccountToken, s), mode });
    }
  }
  return out;
}

/** The volume's files, or undefined for kinds that are not written from API data. */
export async function volumePayload(pod: Pod, v: Volume, s: PayloadSources): Promise<Payload | undefined> {
  const ns = pod.metadata?.namespace ?? "";
  if (v.configMap) {
    const optional = !!v.configMap.optional;
    const out: Payload = new Map();
    const k = await keyedSource("configmap", ns, v.configMap.name ?? "", optional, s);
    if (k) addKeys(out, k, v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, optional);
    return out;
  }
  if (v.secret) {
    const optional = !!v.secret.optional;
    const out: Payload = new Map();
    const k = await keyedSource("secret", ns, v.secret.secretName ?? "", optional, s);
    if (k) addKeys(out, k, v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, optional);
    return out;
  }
  if (v.downwardAPI) {
    const out: Payload = new Map();
    addDownward(out, pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE, s.allocatable);
    return out;
  }
  if (v.projected) return projectedPayload(pod, v.projected, s);
  return undefined;
}
