// The address ranges the proxy treats as "inside the cluster": every Node's pod CIDRs. Traffic to a Service from
// outside them (the host itself, 127.0.0.1, other machines) is masqueraded so replies come back through this node;
// traffic from pods keeps its source address.
import type { Node } from "kubernetes-types/core/v1";
import { nodePodCidr } from "../api/node-network.ts";

/** The IPv4 pod CIDRs of the nodes, sorted and without repeats. */
export function podCidrsOf(nodes: Iterable<Node>): string[] {
  const out = new Set<string>();
  for (const node of nodes) {
    const cidr = nodePodCidr(node);
    if (cidr) out.add(cidr);
  }
  return [...out].sort();
}
