// The CRI sandbox configuration for a pod: identity, hostname, log directory, DNS per dnsPolicy, host ports,
// namespaces and the pod's cgroup parent.
import type { Pod } from "kubernetes-types/core/v1";
import type { DNSConfig, PodSandboxConfig, PortMapping } from "../cri/types.ts";
import { POD_NAME, POD_NAMESPACE, POD_UID } from "./labels.ts";
import { qosClass } from "./qos.ts";

export interface SandboxSettings {
  /** Where pod log directories live (`<logsDir>/<ns>_<name>_<uid>`). */
  logsDir: string;
  /** The cluster DNS Service IP; without it ClusterFirst falls back to the host's resolvers, as upstream does. */
  clusterDns?: string;
  clusterDomain: string;
}

export const podLogDirectory = (s: SandboxSettings, pod: Pod): string =>
  `${s.logsDir}/${pod.metadata!.namespace}_${pod.metadata!.name}_${pod.metadata!.uid}`;

/** The cgroup (cgroupfs driver) a pod's containers share, grouped by QoS class as upstream lays them out. */
export function podCgroupParent(pod: Pod): string {
  const qos = qosClass(pod);
  const uid = pod.metadata!.uid!;
  return qos === "Guaranteed" ? `/kubepods/pod${uid}` : `/kubepods/${qos.toLowerCase()}/pod${uid}`;
}

export function dnsConfigFor(pod: Pod, s: SandboxSettings): DNSConfig | undefined {
  const spec = pod.spec!;
  const policy = spec.dnsPolicy ?? "ClusterFirst";
  const ns = pod.metadata!.namespace!;
  const clusterFirst = s.clusterDns && (policy === "ClusterFirstWithHostNet" || (policy === "ClusterFirst" && !spec.hostNetwork));
  let base: DNSConfig | undefined;
  if (policy === "None") base = { servers: [], searches: [], options: [] };
  else if (clusterFirst) base = { servers: [s.clusterDns!], searches: [`${ns}.svc.${s.clusterDomain}`, `svc.${s.clusterDomain}`, s.clusterDomain], options: ["ndots:5"] };
  const extra = spec.dnsConfig;
  if (!extra) return base;
  // dnsConfig merges into whatever the policy gave (for Default: the host's file, which the runtime copies).
  const b = base ?? { servers: [], searches: [], options: [] };
  const options = new Map(b.options.map((o) => [o.split(":")[0], o]));
  for (const o of extra.options ?? []) options.set(o.name!, o.value !== undefined ? `${o.name}:${o.value}` : o.name!);
  return {
    servers: [...new Set([...b.servers, ...(extra.nameservers ?? [])])],
    searches: [...new Set([...b.searches, ...(extra.searches ?? [])])],
    options: [...options.values()],
  };
}

function hostPorts(pod: Pod): PortMapping[] {
  return (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({
    protocol: (p.protocol ?? "TCP") as PortMapping["protocol"],
    containerPort: p.containerPort,
    hostPort: p.hostPort!,
    ...(p.hostIP ? { hostIp: p.hostIP } : {}),
  })));
}

export function sandboxConfig(pod: Pod, attempt: number, s: SandboxSettings): PodSandboxConfig {
  const meta = pod.metadata!;
  const spec = pod.spec!;
  const sc = spec.securityContext;
  const dns = dnsConfigFor(pod, s);
  return {
    metadata: { name: meta.name!, namespace: meta.namespace!, uid: meta.uid!, attempt },
    hostname: spec.hostNetwork ? undefined : (spec.hostname ?? meta.name!).slice(0, 63),
    logDirectory: podLogDirectory(s, pod),
    ...(dns ? { dnsConfig: dns } : {}),
    portMappings: hostPorts(pod),
    labels: { ...meta.labels, [POD_NAME]: meta.name!, [POD_NAMESPACE]: meta.namespace!, [POD_UID]: meta.uid! },
    annotations: { ...meta.annotations },
    linux: {
      cgroupParent: podCgroupParent(pod),
      securityContext: {
        namespaceOptions: {
          network: spec.hostNetwork ? "NODE" : "POD",
          pid: spec.hostPID ? "NODE" : spec.shareProcessNamespace ? "POD" : "CONTAINER",
          ipc: spec.hostIPC ? "NODE" : "POD",
        },
        ...(sc?.runAsUser !== undefined ? { runAsUser: { value: sc.runAsUser } } : {}),
        ...(sc?.runAsGroup !== undefined ? { runAsGroup: { value: sc.runAsGroup } } : {}),
        ...(sc?.supplementalGroups ? { supplementalGroups: sc.supplementalGroups } : {}),
        privileged: (spec.containers ?? []).some((c) => c.securityContext?.privileged) || (spec.initContainers ?? []).some((c) => c.securityContext?.privileged),
      },
      ...(sc?.sysctls?.length ? { sysctls: Object.fromEntries(sc.sysctls.map((x) => [x.name, x.value])) } : {}),
    },
  };
}
