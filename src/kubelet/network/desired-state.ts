// What the node's pod network should hold, computed from the cluster's Nodes: host-gw routes to the other nodes'
// pod ranges and the set of every pod range (traffic to them is not masqueraded). Pure, so the kernel side only
// applies differences.
import type { Node } from "kubernetes-types/core/v1";
import { intToIp, ipToInt, Ipv4Cidr } from "../../util/cidr.ts";
import { nodePodCidr } from "../../api/node-network.ts";

/** A route to a pod range through the node that holds it. */
export interface PodRoute {
  podCidr: string;
  via: string;
}

/** The node's first IPv4 InternalIP, in canonical form. */
export function nodeInternalIp(node: Node): string | undefined {
  for (const a of node.status?.addresses ?? []) {
    if (a.type !== "InternalIP") continue;
    const n = ipToInt(a.address);
    if (!Number.isNaN(n)) return intToIp(n);
  }
  return undefined;
}

/**
 * The routes this node wants: one per other node with a pod range and an InternalIP, never for this node's own
 * range (a node claiming it too is misconfigured). Sorted by node name, so a range two nodes claim goes to the first.
 */
export function candidateRoutes(nodes: readonly Node[], selfName: string, selfPodCidr: string): Map<string, PodRoute & { node: string }> {
  const own = new Ipv4Cidr(selfPodCidr).toString();
  const out = new Map<string, PodRoute & { node: string }>();
  for (const node of [...nodes].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))) {
    const name = node.metadata?.name ?? "";
    if (name === selfName) continue;
    const podCidr = nodePodCidr(node);
    const via = nodeInternalIp(node);
    if (!podCidr || !via || podCidr === own || out.has(podCidr)) continue;
    out.set(podCidr, { podCidr, via, node: name });
  }
  return out;
}

const overlaps = (a: Ipv4Cidr, b: Ipv4Cidr): boolean => a.base < b.base + b.size && b.base < a.base + a.size;

/**
 * Every pod range of the cluster (this node's always), for the set of destinations reached without NAT. Ranges
 * overlapping one already taken are left out: an nftables interval set refuses overlapping elements.
 */
export function clusterPodRanges(nodes: readonly Node[], selfPodCidr: string): Set<string> {
  const taken = [new Ipv4Cidr(selfPodCidr)];
  const names = [...nodes].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  for (const node of names) {
    const c = nodePodCidr(node);
    if (!c) continue;
    const cidr = new Ipv4Cidr(c);
    if (!taken.some((t) => overlaps(t, cidr))) taken.push(cidr);
  }
  return new Set(taken.map((t) => t.toString()));
}

export interface RouteChanges {
  /** Routes to add or point elsewhere (`ip route replace`). */
  replace: PodRoute[];
  /** Ranges whose route goes away. */
  remove: PodRoute[];
}

export function routeChanges(current: ReadonlyMap<string, string>, wanted: ReadonlyMap<string, string>): RouteChanges {
  const replace: PodRoute[] = [];
  const remove: PodRoute[] = [];
  for (const [podCidr, via] of wanted) if (current.get(podCidr) !== via) replace.push({ podCidr, via });
  for (const [podCidr, via] of current) if (!wanted.has(podCidr)) remove.push({ podCidr, via });
  return { replace, remove };
}

export interface SetChanges {
  add: string[];
  remove: string[];
}

export function setChanges(current: ReadonlySet<string>, wanted: ReadonlySet<string>): SetChanges {
  return { add: [...wanted].filter((e) => !current.has(e)), remove: [...current].filter((e) => !wanted.has(e)) };
}
