// What the proxy programs for one Service, reduced from the Service and its EndpointSlices: one model per port,
// with the endpoints already chosen as Kubernetes 1.32 chooses them (ready ones, else serving-and-terminating
// ones so connections drain), split into cluster-wide and this node's.
import type { Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";

export type L4Protocol = "tcp" | "udp" | "sctp";

export interface EndpointModel {
  ip: string;
  port: number;
}

export interface ServicePortModel {
  /** Readable and unique in the cluster: namespace/name/protocol/port name (or number when unnamed). */
  id: string;
  protocol: L4Protocol;
  clusterIP: string;
  port: number;
  nodePort?: number;
  /** spec.externalIPs and status.loadBalancer.ingress[].ip: answered at `port` like the ClusterIP, as external traffic. */
  externalIPs: string[];
  /** sessionAffinity ClientIP's timeout; unset for no affinity. */
  affinitySeconds?: number;
  internalLocal: boolean;
  externalLocal: boolean;
  /** Usable endpoints anywhere in the cluster. */
  clusterEndpoints: EndpointModel[];
  /** Usable endpoints on this node. */
  localEndpoints: EndpointModel[];
}

const PROTOCOLS: Record<string, L4Protocol> = { TCP: "tcp", UDP: "udp", SCTP: "sctp" };
const DEFAULT_AFFINITY_SECONDS = 10800;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export const isIpv4 = (ip: string | undefined): ip is string => !!ip && IPV4.test(ip) && ip.split(".").every((o) => Number(o) <= 255);

/** Whether the proxy handles this Service at all: ExternalName and headless Services have no VIP to program. */
export function hasVirtualIp(svc: Service): boolean {
  return svc.spec?.type !== "ExternalName" && isIpv4(svc.spec?.clusterIP);
}

export function servicePortModels(svc: Service, slices: readonly EndpointSlice[], nodeName: string): ServicePortModel[] {
  if (!hasVirtualIp(svc)) return [];
  const spec = svc.spec!;
  const ns = svc.metadata?.namespace ?? "";
  const name = svc.metadata?.name ?? "";
  const externalIPs = [...new Set([...(spec.externalIPs ?? []), ...(svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)].filter(isIpv4))].sort();
  const affinitySeconds = spec.sessionAffinity === "ClientIP" ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  const exposesNodePorts = spec.type === "NodePort" || spec.type === "LoadBalancer";
  const out: ServicePortModel[] = [];
  for (const sp of spec.ports ?? []) {
    const protocol = PROTOCOLS[sp.protocol ?? "TCP"];
    if (!protocol) continue;
    const candidates = endpointsFor(slices, sp.name ?? "", sp.protocol ?? "TCP");
    const local = candidates.filter((c) => c.nodeName === nodeName);
    out.push({
      id: `${ns}/${name}/${protocol}/${sp.name || sp.port}`,
      protocol,
      clusterIP: spec.clusterIP!,
      port: sp.port,
      nodePort: exposesNodePorts && sp.nodePort ? sp.nodePort : undefined,
      externalIPs,
      affinitySeconds,
      internalLocal: spec.internalTrafficPolicy === "Local",
      externalLocal: spec.externalTrafficPolicy === "Local",
      clusterEndpoints: usable(candidates),
      localEndpoints: usable(local),
    });
  }
  return out;
}

interface Candidate extends EndpointModel {
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** Every IPv4 endpoint of the slices that carries the named port, once per address (slices may overlap). */
function endpointsFor(slices: readonly EndpointSlice[], portName: string, protocol: string): Candidate[] {
  const byIp = new Map<string, Candidate>();
  for (const slice of slices) {
    if (slice.addressType !== "IPv4") continue;
    const port = slice.ports?.find((p) => (p.name ?? "") === portName && (p.protocol ?? "TCP") === protocol);
    if (port?.port === undefined) continue;
    for (const ep of slice.endpoints) {
      const ip = ep.addresses[0];
      if (!isIpv4(ip) || byIp.has(ip)) continue;
      byIp.set(ip, { ip, port: port.port, nodeName: ep.nodeName, ...conditionsOf(ep) });
    }
  }
  return [...byIp.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

// Unset conditions mean: ready unless said otherwise, serving as ready, not terminating (discovery/v1's rules).
function conditionsOf(ep: Endpoint): { ready: boolean; serving: boolean; terminating: boolean } {
  const ready = ep.conditions?.ready ?? true;
  return { ready, serving: ep.conditions?.serving ?? ready, terminating: ep.conditions?.terminating ?? false };
}

/** Ready endpoints; when there are none, the serving ones that are terminating (they still finish connections). */
function usable(candidates: Candidate[]): EndpointModel[] {
  const ready = candidates.filter((c) => c.ready);
  const chosen = ready.length > 0 ? ready : candidates.filter((c) => c.serving && c.terminating);
  return chosen.map(({ ip, port }) => ({ ip, port }));
}
