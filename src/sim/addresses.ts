// Where simulated nodes and their pods live on the (pretend) network: node InternalIPs from the benchmarking range
// 198.18.0.0/15 (RFC 2544, never routed), and a /24 of 10.64.0.0/10 per node for pods when the node has no
// spec.podCIDR. Both are fixed by the node's index, so a restarted simulator reports the same addresses.
import { intToIp, Ipv4Cidr } from "../util/cidr.ts";

const NODE_RANGE = new Ipv4Cidr("198.18.0.0/15");
/** Hosts per /24 of the node range: .1 to .250, which keeps addresses readable (no .0 or .255). */
const NODES_PER_BLOCK = 250;
export const MAX_NODE_INDEX = (NODE_RANGE.size / 256) * NODES_PER_BLOCK - 1;

const DEFAULT_POD_RANGE = new Ipv4Cidr("10.64.0.0/10");
const POD_BLOCK_BITS = 24;
/** How many nodes the default pod range serves: one /24 each. */
export const DEFAULT_POD_RANGE_NODES = DEFAULT_POD_RANGE.size / 2 ** (32 - POD_BLOCK_BITS);

export function nodeInternalIp(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_NODE_INDEX) throw new RangeError(`node index ${index} is outside 0..${MAX_NODE_INDEX}`);
  const block = Math.floor(index / NODES_PER_BLOCK);
  return intToIp((NODE_RANGE.base + block * 256 + (index % NODES_PER_BLOCK) + 1) >>> 0);
}

/** The pod range of the node with this index: its spec.podCIDR when set, else its /24 of the default range. */
export function podCidrFor(index: number, specPodCidr: string | undefined): Ipv4Cidr {
  if (specPodCidr) return new Ipv4Cidr(specPodCidr);
  if (!Number.isInteger(index) || index < 0 || index >= DEFAULT_POD_RANGE_NODES) {
    throw new RangeError(`node index ${index} has no default pod range (0..${DEFAULT_POD_RANGE_NODES - 1}); set spec.podCIDR`);
  }
  return new Ipv4Cidr(`${intToIp((DEFAULT_POD_RANGE.base + index * 256) >>> 0)}/${POD_BLOCK_BITS}`);
}
