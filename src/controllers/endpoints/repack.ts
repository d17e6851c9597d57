// Upstream's subset repacking: the API wants Endpoints as N-to-M groups of addresses and ports, so the one-address
// one-port subsets the controller builds are regrouped so that addresses offering exactly the same ports (with
// the same readiness) share one subset. An address not ready on any port is not ready on all of them.
import type { EndpointAddress, EndpointPort, EndpointSubset } from "kubernetes-types/core/v1";

const addressKey = (a: EndpointAddress): string => `${a.ip}/${a.targetRef?.uid ?? ""}`;
const portKey = (p: EndpointPort | undefined): string => (p ? JSON.stringify([p.name ?? "", p.port, p.protocol ?? "", p.appProtocol ?? ""]) : "none");

export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort | undefined>();
  // port key -> address key -> ready
  const readyByPort = new Map<string, Map<string, boolean>>();
  const record = (addr: EndpointAddress, port: EndpointPort | undefined, ready: boolean) => {
    const ak = addressKey(addr);
    if (!addresses.has(ak)) addresses.set(ak, addr);
    const pk = portKey(port);
    ports.set(pk, port);
    let set = readyByPort.get(pk);
    if (!set) readyByPort.set(pk, (set = new Map()));
    set.set(ak, (set.get(ak) ?? true) && ready);
  };
  for (const ss of subsets) {
    const subsetPorts = ss.ports?.length ? ss.ports : [undefined];
    for (const port of subsetPorts) {
      for (const a of ss.addresses ?? []) record(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) record(a, port, false);
    }
  }

  // Ports served by the same addresses with the same readiness become one subset.
  const groups = new Map<string, { members: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [pk, members] of readyByPort) {
    const groupKey = [...members].map(([ak, ready]) => `${ak}=${ready}`).sort().join(",");
    let g = groups.get(groupKey);
    if (!g) groups.set(groupKey, (g = { members, ports: [] }));
    const port = ports.get(pk);
    if (port) g.ports.push(port);
  }
  const result: EndpointSubset[] = [];
  for (const { members, ports: groupPorts } of groups.values()) {
    const byKey = (ready: boolean) => [...members].filter(([, r]) => r === ready).map(([ak]) => ak).sort(compareAddressKeys).map((ak) => addresses.get(ak)!);
    const ready = byKey(true);
    const notReady = byKey(false);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (groupPorts.length) subset.ports = groupPorts.sort((a, b) => portKey(a).localeCompare(portKey(b)));
    result.push(subset);
  }
  return result.sort((a, b) => subsetKey(a).localeCompare(subsetKey(b)));
}

/** IPs in numeric order where they parse as IPv4, then by uid. */
function compareAddressKeys(a: string, b: string): number {
  const [ipA, uidA] = a.split("/");
  const [ipB, uidB] = b.split("/");
  return ipOrder(ipA!).localeCompare(ipOrder(ipB!)) || uidA!.localeCompare(uidB!);
}

const ipOrder = (ip: string): string => (/^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip.split(".").map((o) => o.padStart(3, "0")).join(".") : ip);

const subsetKey = (s: EndpointSubset): string =>
  [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].map((a) => ipOrder(a.ip)).join(",") + "|" + (s.ports ?? []).map(portKey).join(",");
