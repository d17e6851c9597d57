// The DNS names one Service owns, computed from the Service and its EndpointSlices as the Kubernetes DNS
// specification lays them out: the service name, `_port._proto` SRV names (and their empty parent), and for headless
// Services one name per ready endpoint; plus the reverse (PTR) entries for its addresses. Pure: the index
// (cluster-records.ts) calls this again whenever the Service or one of its slices changes.
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { isIPv4, isIPv6 } from "node:net";

export interface SrvRecord {
  port: number;
  target: string;
  weight: number;
  /** The target's addresses, sent as additional records. */
  addresses: string[];
}

/** What a name holds; all empty for names that exist only as parents of others (NODATA, not NXDOMAIN). */
export interface NameRecords {
  a: string[];
  aaaa: string[];
  srv: SrvRecord[];
  cname?: string;
}

export interface ServiceRecordSet {
  /** Lower-case absolute names without the trailing dot. */
  names: Map<string, NameRecords>;
  /** [ip, name] pairs for PTR answers. */
  reverse: [string, string][];
}

/** `10.1.2.3` -> `10-1-2-3`; IPv6 colons become dashes too. */
const dashedAddress = (ip: string): string => ip.toLowerCase().replace(/[.:]/g, "-");

const isHeadless = (svc: Service): boolean => svc.spec?.clusterIP === "None";

export function serviceRecords(svc: Service, slices: Iterable<EndpointSlice>, zone: string): ServiceRecordSet {
  const svcName = `${svc.metadata!.name}.${svc.metadata!.namespace}.svc.${zone}`.toLowerCase();
  const set: ServiceRecordSet = { names: new Map(), reverse: [] };
  const entry = (name: string): NameRecords => {
    let e = set.names.get(name);
    if (!e) set.names.set(name, (e = { a: [], aaaa: [], srv: [] }));
    return e;
  };
  const own = entry(svcName);

  if (svc.spec?.type === "ExternalName") {
    if (svc.spec.externalName) own.cname = svc.spec.externalName.replace(/\.$/, "").toLowerCase();
    return set;
  }

  if (!isHeadless(svc)) {
    const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    for (const ip of ips) {
      if (!addAddress(own, ip)) continue;
      set.reverse.push([ip, svcName]);
    }
    for (const p of svc.spec?.ports ?? []) {
      if (!p.name) continue;
      addSrv(entry, srvName(p.name, p.protocol, svcName), { port: p.port, target: svcName, weight: 0, addresses: ips.filter(isIpAddress) });
    }
  } else {
    const seen = new Set<string>();
    for (const slice of slices) {
      if (slice.addressType !== "IPv4" && slice.addressType !== "IPv6") continue;
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false) continue;
        for (const ip of ep.addresses ?? []) {
          if (!addAddress(own, ip)) continue;
          const host = `${ep.hostname ? ep.hostname.toLowerCase() : dashedAddress(ip)}.${svcName}`;
          addAddress(entry(host), ip);
          if (!seen.has(`${ip} ${host}`)) set.reverse.push([ip, host]);
          seen.add(`${ip} ${host}`);
          for (const p of slice.ports ?? []) {
            if (!p.name || p.port === undefined) continue;
            addSrv(entry, srvName(p.name, p.protocol, svcName), { port: p.port, target: host, weight: 0, addresses: [ip] });
          }
        }
      }
    }
  }
  // Equal priority, weights sharing 100 as evenly as integers allow.
  for (const e of set.names.values()) for (const s of e.srv) s.weight = Math.floor(100 / e.srv.length);
  return set;
}

const isIpAddress = (ip: string): boolean => isIPv4(ip) || isIPv6(ip);

/** Adds an address to the A or AAAA set once; false for anything that is not an IP address. */
function addAddress(e: NameRecords, ip: string): boolean {
  const list = isIPv4(ip) ? e.a : isIPv6(ip) ? e.aaaa : undefined;
  if (!list) return false;
  if (!list.includes(ip)) list.push(ip);
  return true;
}

const srvName = (port: string, protocol: string | undefined, svcName: string): string =>
  `_${port.toLowerCase()}._${(protocol ?? "TCP").toLowerCase()}.${svcName}`;

function addSrv(entry: (name: string) => NameRecords, name: string, srv: SrvRecord): void {
  // `_proto.<svc>` exists as the parent of the SRV name.
  entry(name.slice(name.indexOf(".") + 1));
  const e = entry(name);
  if (!e.srv.some((s) => s.target === srv.target && s.port === srv.port)) e.srv.push(srv);
}
