// Upstream's SetDefaults_* for core/v1 (pkg/apis/core/v1/defaults.go). All defaulters mutate in place and are
// idempotent, since they run on create and on every update.
import type {
  Container, Endpoints, LimitRange, Namespace, Node, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
  Pod, PodSpec, PodTemplate, Probe, ResourceQuota, Secret, Service, Volume,
} from "kubernetes-types/core/v1";
import type { GroupKindKey } from "../scheme.ts";
import { formatQuantity, parseQuantity } from "../validation/quantity.ts";

const DEFAULT_MODE = 0o644;

/** kubernetes-types marks status read-only (server-owned); defaulting is the server, so it may fill it. */
const statusOf = <T extends object>(obj: { readonly status?: T }): T => ((obj as { status?: T }).status ??= {} as T);
const MILLI = 1_000_000n;

/**
 * Upstream rounds every ResourceList value up to milli precision and serializes it canonically; stored JSON
 * should read the same ("0.5" -> "500m", "1.5Gi" -> "1536Mi"). Malformed values are left for validation.
 */
export function defaultResourceList(list: Record<string, unknown> | undefined): void {
  if (!list) return;
  for (const [k, v] of Object.entries(list)) {
    if (typeof v !== "string" && typeof v !== "number") continue;
    const q = parseQuantity(v);
    if (!q) continue;
    const rem = q.nanos % MILLI;
    if (rem !== 0n) q.nanos += (q.nanos > 0n ? MILLI : -MILLI) - rem;
    list[k] = formatQuantity(q);
  }
}

/** The tag of an image reference: "latest" when neither tag nor digest is given, "" for digest-only. */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const named = at >= 0 ? image.slice(0, at) : image;
  const last = named.slice(named.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  if (colon >= 0) return last.slice(colon + 1);
  return at >= 0 ? "" : "latest";
}

function defaultHandlerHTTPGet(h: { httpGet?: { path?: string; scheme?: string } } | undefined): void {
  if (!h?.httpGet) return;
  h.httpGet.path ||= "/";
  h.httpGet.scheme ||= "HTTP";
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  defaultHandlerHTTPGet(p);
}

function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? "") === "latest" ? "Always" : "IfNotPresent";
  c.terminationMessagePath ||= "/dev/termination-log";
  c.terminationMessagePolicy ||= "File";
  for (const port of c.ports ?? []) port.protocol ||= "TCP";
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ||= "v1";
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandlerHTTPGet(c.lifecycle?.postStart);
  defaultHandlerHTTPGet(c.lifecycle?.preStop);
  if (c.resources) {
    defaultResourceList(c.resources.limits);
    defaultResourceList(c.resources.requests);
  }
}

export function defaultPVCSpec(spec: PersistentVolumeClaimSpec | undefined): void {
  if (!spec) return;
  spec.volumeMode ||= "Filesystem";
  defaultResourceList(spec.resources?.limits);
  defaultResourceList(spec.resources?.requests);
}

const VOLUME_SOURCES = [
  "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs",
  "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "azureFile",
  "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "configMap", "projected",
  "scaleIO", "csi", "ephemeral", "image",
];

function defaultVolume(v: Volume): void {
  const anyV = v as any;
  // A volume with no source at all is an emptyDir.
  if (!VOLUME_SOURCES.some((k) => anyV[k] !== undefined && anyV[k] !== null)) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= DEFAULT_MODE;
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_MODE;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= DEFAULT_MODE;
    for (const f of v.downwardAPI.items ?? []) if (f.fieldRef) f.fieldRef.apiVersion ||= "v1";
  }
  if (v.hostPath) v.hostPath.type ??= "";
  if (v.projected) {
    v.projected.defaultMode ??= DEFAULT_MODE;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const f of s.downwardAPI?.items ?? []) if (f.fieldRef) f.fieldRef.apiVersion ||= "v1";
    }
  }
  if (v.iscsi) v.iscsi.iscsiInterface ||= "default";
  defaultPVCSpec(v.ephemeral?.volumeClaimTemplate?.spec);
}

/** SetDefaults_PodSpec and its nested types: what every pod template gets. */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!spec) return;
  spec.dnsPolicy ||= "ClusterFirst";
  spec.restartPolicy ||= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= "default-scheduler";
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** Requests default to limits, per resource not already requested. */
function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits) return;
  const requests = (c.resources!.requests ??= {});
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

/** With hostNetwork the host port is the container port. */
function defaultHostNetworkPorts(containers: Container[] | undefined): void {
  for (const c of containers ?? []) for (const p of c.ports ?? []) p.hostPort ??= p.containerPort;
}

/** SetDefaults_Pod: the pod spec defaults plus those upstream applies only to Pods, not templates. */
export function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  defaultPodSpec(spec);
  for (const c of spec.containers ?? []) defaultRequestsFromLimits(c);
  for (const c of spec.initContainers ?? []) defaultRequestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
}

export function defaultPodTemplate(t: PodTemplate): void {
  defaultPodSpec(t.template?.spec);
}

export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ||= "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ||= "ClusterIP";
  for (const p of spec.ports ?? []) {
    p.protocol ||= "TCP";
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  const externallyAccessible = spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && (spec.externalIPs?.length ?? 0) > 0);
  if (externallyAccessible) spec.externalTrafficPolicy ||= "Cluster";
  if (["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) spec.internalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer") {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (ing.ip && !ing.ipMode) ing.ipMode = "VIP";
  }
}

/**
 * Namespace defaults. spec.finalizers is upstream's PrepareForCreate; it is only filled when absent, so the
 * API server must still carry the stored finalizers over on update (upstream's PrepareForUpdate).
 */
export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata?.name;
  if (name) ns.metadata!.labels = { ...ns.metadata!.labels, "kubernetes.io/metadata.name": name };
  const spec = (ns.spec ??= {});
  if (spec.finalizers === undefined && !ns.metadata?.deletionTimestamp) spec.finalizers = ["kubernetes"];
  const status = statusOf(ns);
  status.phase ||= "Active";
}

/** Type Opaque; stringData is write-only and merged into data (upstream does this when converting from v1). */
export function defaultSecret(s: Secret): void {
  s.type ||= "Opaque";
  if (s.stringData) {
    const data = (s.data ??= {});
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(v, "utf8").toString("base64");
    delete s.stringData;
  }
}

export function defaultPersistentVolume(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= "Retain";
  spec.volumeMode ||= "Filesystem";
  defaultResourceList(spec.capacity);
  const status = statusOf(pv);
  status.phase ||= "Pending";
}

export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  defaultPVCSpec(pvc.spec ??= {});
  const status = statusOf(pvc);
  status.phase ||= "Pending";
  defaultResourceList(status.capacity);
}

export function defaultEndpoints(ep: Endpoints): void {
  for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) p.protocol ||= "TCP";
}

/** SetDefaults_LimitRangeItem: for containers, default limit <- max, default request <- default limit, then <- min. */
export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    for (const key of ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const) defaultResourceList(item[key]);
    if (item.type !== "Container") continue;
    const def: Record<string, string> = { ...item.default };
    const req: Record<string, string> = { ...item.defaultRequest };
    for (const [k, v] of Object.entries(item.max ?? {})) def[k] ??= v;
    for (const [k, v] of Object.entries(def)) req[k] ??= v;
    for (const [k, v] of Object.entries(item.min ?? {})) req[k] ??= v;
    // Upstream omits empty lists when serializing.
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(req).length) item.defaultRequest = req;
  }
}

export function defaultResourceQuota(rq: ResourceQuota): void {
  defaultResourceList(rq.spec?.hard);
  defaultResourceList(rq.status?.hard);
  defaultResourceList(rq.status?.used);
}

/** Allocatable defaults to capacity (SetDefaults_NodeStatus). */
export function defaultNode(node: Node): void {
  const status = node.status;
  if (!status) return;
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
  if (!status.allocatable && status.capacity) status.allocatable = { ...status.capacity };
}

/** Defaulters of the core/v1 kinds, keyed by "/Kind". */
export const coreDefaulters: Partial<Record<GroupKindKey, (obj: any) => void>> = {
  "/Pod": defaultPod,
  "/PodTemplate": defaultPodTemplate,
  "/Service": defaultService,
  "/Namespace": defaultNamespace,
  "/Secret": defaultSecret,
  "/PersistentVolume": defaultPersistentVolume,
  "/PersistentVolumeClaim": defaultPersistentVolumeClaim,
  "/Endpoints": defaultEndpoints,
  "/LimitRange": defaultLimitRange,
  "/ResourceQuota": defaultResourceQuota,
  "/Node": defaultNode,
};
