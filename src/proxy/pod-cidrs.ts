// The address ranges the proxy treats as "inside the cluster": every Node's pod CIDRs. Traffic to a Service from
// outside them (the host itself, 127.0.0.1, other machines) is masqueraded so replies come back through this node;
// traffic from pods keeps its source address.
import type { Node } from "kubernetes-types/core/v1";

const IPV4_CIDR = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}$/;

/** The IPv4 pod CIDRs of the nodes, sorted and without repeats. */
export function podCidrsOf(nodes: Iterable<Node>): string[] {
  const out = new Set<string>();
  for (const node of nodes) {
    const cidrs = node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []);
    for (const c of cidrs) if (IPV4_CIDR.test(c)) out.add(c);
  }
  return [...out].sort();
}
