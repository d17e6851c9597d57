// Pod IPs of one node, as a host-local IPAM plugin hands them out: one address per live pod (by uid), never the
// network, gateway (.1) or broadcast address, and round robin so a freed address is not reused at once (watchers
// that still hold the old pod's endpoint do not see it move to a new pod).
import { ipToInt } from "../util/cidr.ts";
import type { Ipv4Cidr } from "../util/cidr.ts";

export class PodIpPool {
  readonly cidr: Ipv4Cidr;
  private readonly byUid = new Map<string, number>();
  private readonly used = new Set<number>();
  private readonly first: number;
  private readonly last: number;
  /** The offset after the last one handed out. */
  private next: number;

  constructor(cidr: Ipv4Cidr) {
    this.cidr = cidr;
    const tiny = cidr.size < 4;
    this.first = tiny ? 0 : 2;
    this.last = tiny ? cidr.size - 1 : cidr.size - 2;
    this.next = this.first;
  }

  get inUse(): number {
    return this.used.size;
  }

  /**
   * The pod's address: the one it already holds, else `preferred` (the address its status reports, from before a
   * restart) when that is in range and free, else the next free one. Undefined when the range is exhausted.
   */
  assign(uid: string, preferred?: string): string | undefined {
    const held = this.byUid.get(uid);
    if (held !== undefined) return this.cidr.at(held);
    const wanted = preferred ? this.offsetOf(preferred) : undefined;
    const offset = wanted !== undefined && !this.used.has(wanted) ? wanted : this.nextFree();
    if (offset === undefined) return undefined;
    this.byUid.set(uid, offset);
    this.used.add(offset);
    return this.cidr.at(offset);
  }

  release(uid: string): void {
    const offset = this.byUid.get(uid);
    if (offset === undefined) return;
    this.byUid.delete(uid);
    this.used.delete(offset);
  }

  private offsetOf(ip: string): number | undefined {
    const offset = ipToInt(ip) - this.cidr.base;
    return Number.isInteger(offset) && offset >= this.first && offset <= this.last ? offset : undefined;
  }

  private nextFree(): number | undefined {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const offset = this.first + ((this.next - this.first + i) % span);
      if (!this.used.has(offset)) {
        this.next = offset + 1 > this.last ? this.first : offset + 1;
        return offset;
      }
    }
    return undefined;
  }
}
