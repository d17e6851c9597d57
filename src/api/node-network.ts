// A Node's pod range as the node-ipam controller records it, read the same way by everything that routes or
// masquerades pod traffic.
import type { Node } from "kubernetes-types/core/v1";
import { Ipv4Cidr } from "../util/cidr.ts";

/** The node's IPv4 pod range (normalised), if it has a valid one. */
export function nodePodCidr(node: Node): string | undefined {
  const candidates = [node.spec?.podCIDR, ...(node.spec?.podCIDRs ?? [])];
  for (const c of candidates) {
    if (!c) continue;
    try {
      return new Ipv4Cidr(c).toString();
    } catch {
      // IPv6 or garbage: not ours to route
    }
  }
  return undefined;
}
