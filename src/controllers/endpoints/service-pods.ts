// Which pods back a Service and how each one appears as an endpoint: the rules both the Endpoints and the
// EndpointSlice controllers apply (upstream's endpoint utilities).
import type { Container, ContainerPort, Pod, Service, ServicePort } from "kubernetes-types/core/v1";

/** A Service's selector, or undefined when the controllers leave its endpoints to someone else. */
export function selectorOf(svc: Service): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  // An empty selector does not survive Go's omitempty upstream, so it counts as none.
  return sel && Object.keys(sel).length ? sel : undefined;
}

/** Services whose endpoints this controller family maintains: a selector, and not ExternalName. */
export function hasManagedEndpoints(svc: Service): boolean {
  return svc.spec?.type !== "ExternalName" && selectorOf(svc) !== undefined;
}

export function selects(svc: Service, pod: Pod): boolean {
  const sel = selectorOf(svc);
  if (!sel || svc.metadata?.namespace !== pod.metadata?.namespace) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}


const isTerminal = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/** A pod is an endpoint once it has an IP and until it ends; terminating pods only when asked for. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/** A pod's IPs of one family: "IPv4" or "IPv6". */
export function podIpsOfFamily(pod: Pod, family: string): string[] {
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip ?? "") : [pod.status?.podIP ?? ""];
  return ips.filter((ip) => ip !== "" && ip.includes(":") === (family === "IPv6"));
}

/** The Service's primary IP family: the first listed, else that of its cluster IP. */
export function primaryFamily(svc: Service): string {
  const fam = svc.spec?.ipFamilies?.[0];
  if (fam) return fam;
  const ip = svc.spec?.clusterIP;
  return ip && ip !== "None" && ip.includes(":") ? "IPv6" : "IPv4";
}

/** A pod's hostname is published when it names the Service as its subdomain. */
export function hostnameFor(pod: Pod, svc: Service): string | undefined {
  const spec = pod.spec;
  const matches = !!spec?.hostname && spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;
  return matches ? spec!.hostname : undefined;
}

/** No cluster IP (None or unset): the endpoints carry the service.kubernetes.io/headless label. */
export const isHeadless = (svc: Service): boolean => !svc.spec?.clusterIP || svc.spec.clusterIP === "None";

/** The container port a Service port reaches on this pod: a number as is, a name looked up by name and protocol. */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  const protocol = port.protocol ?? "TCP";
  // Sidecars (init containers that keep running) serve ports too.
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...sidecars];
  const found = containers.flatMap((c) => c.ports ?? []).find((p: ContainerPort) => p.name === target && (p.protocol ?? "TCP") === protocol);
  return found?.containerPort;
}
