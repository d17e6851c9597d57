// Hands out one fixed-size subnet of the cluster CIDR per node, as upstream's range allocator does: subnets
// already recorded on nodes are taken; the lowest free one goes next.
import { Ipv4Cidr, ipToInt } from "../../util/cidr.ts";

export class SubnetAllocator {
  private readonly cluster: Ipv4Cidr;
  private readonly subnetBits: number;
  private readonly used = new Set<number>();

  constructor(clusterCidr: string, subnetBits: number) {
    this.cluster = new Ipv4Cidr(clusterCidr);
    if (subnetBits < this.cluster.bits || subnetBits > 30) throw new Error(`a /${subnetBits} subnet does not fit in ${clusterCidr}`);
    this.subnetBits = subnetBits;
  }

  private get count(): number {
    return 2 ** (this.subnetBits - this.cluster.bits);
  }

  private indexOf(cidr: string): number | undefined {
    let c: Ipv4Cidr;
    try {
      c = new Ipv4Cidr(cidr);
    } catch {
      return undefined;
    }
    if (c.bits !== this.subnetBits || !this.cluster.contains(c.at(0))) return undefined;
    return (c.base - ipToInt(this.cluster.at(0))) / 2 ** (32 - this.subnetBits);
  }

  /** Marks a subnet a node already has as taken (ignoring ones outside the cluster CIDR). */
  occupy(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.add(i);
  }

  release(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.delete(i);
  }

  /** The lowest free subnet, now taken; undefined when the range is exhausted. */
  allocate(): string | undefined {
    for (let i = 0; i < this.count; i++) {
      if (this.used.has(i)) continue;
      this.used.add(i);
      return `${intToCidrBase(this.cluster, i, this.subnetBits)}/${this.subnetBits}`;
    }
    return undefined;
  }
}

const intToCidrBase = (cluster: Ipv4Cidr, i: number, bits: number) => cluster.at(i * 2 ** (32 - bits));
