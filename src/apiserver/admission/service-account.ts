// ServiceAccount (upstream's admission plugin of the same name), for pods on create: the pod runs as
// spec.serviceAccountName ("default" when unset), inherits the account's imagePullSecrets when it names none, and,
// unless automountServiceAccountToken is false on the pod (or, when the pod leaves it unset, on the account), gets a
// projected `kube-api-access-xxxxx` volume (a bound token, the cluster CA, the namespace) mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount in every container and init container that mounts nothing there.
// Mirror pods (static pods the node agent reflects) are left as they are.
import { randomInt } from "node:crypto";
import type { Container, PodSpec, ServiceAccount, Volume, VolumeMount } from "kubernetes-types/core/v1";
import type { AdmissionPlugin } from "./types.ts";

export const DEFAULT_SERVICE_ACCOUNT = "default";
export const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const VOLUME_PREFIX = "kube-api-access-";
/** Upstream's bound token lifetime for these volumes: a little over an hour, so its use can be told apart. */
const TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
// Upstream's generated-name alphabet: lowercase consonants and digits that cannot spell words.
const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

const randomSuffix = (): string => Array.from({ length: 5 }, () => NAME_ALPHABET[randomInt(NAME_ALPHABET.length)]).join("");

export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    },
  };
}

function shouldAutomount(spec: PodSpec, sa: ServiceAccount | undefined): boolean {
  return spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken ?? true;
}

/**
 * Adds the token volume (reusing one the pod already has) and its mount to every container lacking one there.
 * Admission runs before validation, so null list entries are stepped over and left for validation to refuse.
 */
function mountToken(spec: PodSpec): void {
  const existing = listOf(spec.volumes).find((v) => v?.name?.startsWith(VOLUME_PREFIX));
  const name = existing?.name ?? VOLUME_PREFIX + randomSuffix();
  const mount: VolumeMount = { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH };
  let needed = false;
  const containers: Container[] = [...listOf(spec.initContainers), ...listOf(spec.containers)];
  for (const c of containers) {
    if (!c || typeof c !== "object" || listOf(c.volumeMounts).some((m) => m?.mountPath === TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [...listOf(c.volumeMounts), { ...mount }];
    needed = true;
  }
  if (needed && !existing) spec.volumes = [...listOf(spec.volumes), tokenVolume(name)];
}

/** Admission sees the object before validation: a list field may hold anything, and only arrays are walked. */
const listOf = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

/**
 * `getServiceAccount` reads the account (undefined when absent). Upstream refuses pods whose account does not exist;
 * Berth admits them (with the defaults an account would give), so pods created before the serviceaccount controller
 * has made a namespace's "default" account are not refused.
 */
export function serviceAccountAdmission(getServiceAccount: (namespace: string, name: string) => Promise<ServiceAccount | undefined>): AdmissionPlugin {
  return {
    name: "ServiceAccount",
    async admit(a) {
      if (a.resource.group !== "" || a.resource.kind !== "Pod" || a.subresource || a.operation !== "CREATE") return;
      const pod = a.object as { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec };
      if (!pod.spec || pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
      const spec = pod.spec;
      // The deprecated spec.serviceAccount is read when serviceAccountName is unset and mirrors it, as the v1 API does.
      const name = spec.serviceAccountName || (spec as { serviceAccount?: string }).serviceAccount || DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccountName = name;
      (spec as { serviceAccount?: string }).serviceAccount = name;
      const sa = a.namespace ? await getServiceAccount(a.namespace, name) : undefined;
      if (shouldAutomount(spec, sa)) mountToken(spec);
      if (!spec.imagePullSecrets?.length && sa?.imagePullSecrets?.length) {
        spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
      }
    },
  };
}
