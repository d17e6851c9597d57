// Objects every cluster has from its first start: the system namespaces, the `kubernetes` Service with the API
// server's endpoints, the `kube-dns` Service of the cluster DNS, and the built-in PriorityClasses. Idempotent: a restart finds them and changes nothing,
// and re-creates any that are missing.
import type { KubeObject } from "../api/scheme.ts";
import { StatusError } from "../api/errors.ts";
import { SYSTEM_PRIORITY_CLASSES } from "../api/validation/scheduling.ts";
import type { Registry } from "./registry/registry.ts";
import type { WriteOptions } from "./registry/store.ts";
import { IMMORTAL_NAMESPACES } from "./admission/namespace-lifecycle.ts";

/** Upstream's descriptions of its system PriorityClasses. */
const SYSTEM_PRIORITY_CLASS_DESCRIPTIONS: Record<string, string> = {
  "system-node-critical": "Used for system critical pods that must not be moved from their current node.",
  "system-cluster-critical": "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
};

const SYSTEM: WriteOptions = { dryRun: false, fieldManager: "berth-apiserver", user: { username: "system:apiserver", groups: ["system:masters"] } };

async function ensure(registry: Registry, group: string, kind: string, obj: KubeObject): Promise<void> {
  const store = registry.storeOf(group, kind);
  const { name, namespace } = obj.metadata!;
  try {
    await store.get(namespace, name!);
    return;
  } catch (err) {
    if (!(err instanceof StatusError && err.reason === "NotFound")) throw err;
  }
  try {
    await store.create(namespace, obj, SYSTEM);
  } catch (err) {
    // Another server starting at the same time created it first.
    if (!(err instanceof StatusError && err.reason === "AlreadyExists")) throw err;
  }
}

export async function bootstrapCluster(registry: Registry, opts: { apiServiceIp: string; advertiseAddress: string; port: number; clusterDnsIp?: string }): Promise<void> {
  for (const name of IMMORTAL_NAMESPACES) {
    await ensure(registry, "", "Namespace", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
  await ensure(registry, "", "Service", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: opts.apiServiceIp, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: opts.port }], sessionAffinity: "None", type: "ClusterIP" },
  });
  await ensure(registry, "", "Endpoints", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "kubernetes", namespace: "default", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [{ addresses: [{ ip: opts.advertiseAddress }], ports: [{ name: "https", port: opts.port, protocol: "TCP" }] }],
  });
  // The DNS server runs inside every `berth server`; each server publishes its address as an endpoint.
  if (opts.clusterDnsIp) {
    await ensure(registry, "", "Service", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "Berth-DNS" } },
      spec: {
        clusterIP: opts.clusterDnsIp,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: "dns" },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: "dns-tcp" },
        ],
        sessionAffinity: "None",
        type: "ClusterIP",
      },
    });
  }
  for (const { name, value } of SYSTEM_PRIORITY_CLASSES) {
    await ensure(registry, "scheduling.k8s.io", "PriorityClass", {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name },
      value,
      description: SYSTEM_PRIORITY_CLASS_DESCRIPTIONS[name],
    });
  }
}
