// The cluster zone's records, indexed by name and by IP so a query is one Map lookup. Informer events update it
// incrementally: a change to a Service or to one of its EndpointSlices recomputes that Service's names only.
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { serviceRecords } from "./service-records.ts";
import type { NameRecords } from "./service-records.ts";
import { reverseName } from "./reverse-name.ts";
import { SERVICE_NAME_LABEL } from "../api/well-known.ts";

interface Owned {
  names: string[];
  /** Reverse names. */
  reverse: string[];
}

export class ClusterRecords {
  readonly zone: string;
  private readonly services = new Map<string, Service>();
  /** Service key -> its slices by slice name. */
  private readonly slicesByService = new Map<string, Map<string, EndpointSlice>>();
  /** Slice key -> the Service key it was filed under (its label may change). */
  private readonly sliceOwner = new Map<string, string>();
  private readonly owned = new Map<string, Owned>();
  private readonly names = new Map<string, NameRecords>();
  /** Reverse name -> service key -> PTR targets. */
  private readonly ptr = new Map<string, Map<string, string[]>>();
  private readonly servicesPerNamespace = new Map<string, number>();
  private changedAt = Math.floor(Date.now() / 1000);

  /** @param zone the cluster domain, e.g. "cluster.local" */
  constructor(zone: string) {
    this.zone = zone.replace(/\.$/, "").toLowerCase();
  }

  setService(svc: Service): void {
    const key = keyOf(svc);
    if (!this.services.has(key)) this.countNamespace(svc.metadata!.namespace!, 1);
    this.services.set(key, svc);
    this.rebuild(key);
  }

  deleteService(svc: Service): void {
    const key = keyOf(svc);
    if (!this.services.delete(key)) return;
    this.countNamespace(svc.metadata!.namespace!, -1);
    this.rebuild(key);
  }

  setEndpointSlice(slice: EndpointSlice): void {
    const sliceKey = keyOf(slice);
    const svcName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    const svcKey = svcName ? `${slice.metadata!.namespace}/${svcName}` : undefined;
    const previous = this.sliceOwner.get(sliceKey);
    if (previous && previous !== svcKey) this.deleteEndpointSlice(slice);
    if (!svcKey) return;
    let slices = this.slicesByService.get(svcKey);
    if (!slices) this.slicesByService.set(svcKey, (slices = new Map()));
    slices.set(slice.metadata!.name!, slice);
    this.sliceOwner.set(sliceKey, svcKey);
    this.rebuild(svcKey);
  }

  deleteEndpointSlice(slice: EndpointSlice): void {
    const sliceKey = keyOf(slice);
    const svcKey = this.sliceOwner.get(sliceKey);
    if (!svcKey) return;
    this.sliceOwner.delete(sliceKey);
    const slices = this.slicesByService.get(svcKey)!;
    slices.delete(slice.metadata!.name!);
    if (slices.size === 0) this.slicesByService.delete(svcKey);
    this.rebuild(svcKey);
  }

  /** The records of a lower-case absolute name without the trailing dot. */
  lookup(name: string): NameRecords | undefined {
    return this.names.get(name);
  }

  /** PTR targets of a lower-case reverse name (in-addr.arpa or ip6.arpa) without the trailing dot. */
  reverse(name: string): string[] {
    const byService = this.ptr.get(name);
    return byService ? [...byService.values()].flat() : [];
  }

  hasServiceNamespace(namespace: string): boolean {
    return this.servicesPerNamespace.has(namespace);
  }

  /** The zone's SOA serial: the second of the last change. */
  get serial(): number {
    return this.changedAt >>> 0;
  }

  private countNamespace(ns: string, delta: number): void {
    const n = (this.servicesPerNamespace.get(ns) ?? 0) + delta;
    if (n > 0) this.servicesPerNamespace.set(ns, n);
    else this.servicesPerNamespace.delete(ns);
  }

  private rebuild(svcKey: string): void {
    const old = this.owned.get(svcKey);
    if (old) {
      for (const name of old.names) this.names.delete(name);
      for (const rev of new Set(old.reverse)) {
        const byService = this.ptr.get(rev)!;
        byService.delete(svcKey);
        if (byService.size === 0) this.ptr.delete(rev);
      }
      this.owned.delete(svcKey);
    }
    this.changedAt = Math.floor(Date.now() / 1000);
    const svc = this.services.get(svcKey);
    if (!svc) return;
    const set = serviceRecords(svc, this.slicesByService.get(svcKey)?.values() ?? [], this.zone);
    for (const [name, records] of set.names) this.names.set(name, records);
    const reverse: string[] = [];
    for (const [ip, target] of set.reverse) {
      const rev = reverseName(ip)!;
      reverse.push(rev);
      let byService = this.ptr.get(rev);
      if (!byService) this.ptr.set(rev, (byService = new Map()));
      let targets = byService.get(svcKey);
      if (!targets) byService.set(svcKey, (targets = []));
      targets.push(target);
    }
    this.owned.set(svcKey, { names: [...set.names.keys()], reverse });
  }
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }): string => `${o.metadata!.namespace}/${o.metadata!.name}`;
