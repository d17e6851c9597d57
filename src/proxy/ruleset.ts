// Pure rendering of the proxy's nftables table, shaped like kube-proxy's nftables mode (KEP 3866) but with about
// one chain per service port: NAT chains at prerouting/output jump to `services`, which looks the packet up in
// verdict maps keyed by destination (VIPs) or by port alone (NodePorts on local addresses). Each service port has a
// chain that DNATs straight to an endpoint picked at random (`dnat ip to numgen random mod N map { i : ip . port }`);
// only Services with ClientIP affinity keep a chain per endpoint, each refreshing that endpoint's timed set of
// clients. Masquerading is a mark set on the way in and acted on at postrouting, where hairpin traffic (an endpoint
// DNATed back to itself) is found by one lookup of `saddr . daddr` in a set holding `e . e` for every endpoint
// address in use. Filter chains reject traffic to Services that have no endpoints, so clients fail at once instead
// of timing out.
//
// Few chains matter: nft 1.0.6 reads every chain (and set) of the table back before each transaction, element-only
// ones included, so a transaction's cost grows with the table (~48 ms at 11k chains, ~21 ms at 1k).
//
// A Service renders to named objects (chains with their rules, affinity sets, map elements) and the endpoint
// addresses it uses; `diffCommands` turns the difference between two renderings into nft commands, so one change
// rewrites only what it touches, and `HairpinAddresses` keeps the shared hairpin set counted across Services.
import { createHash } from "node:crypto";
import type { EndpointModel, ServicePortModel } from "./service-model.ts";

export const TABLE = "berth-proxy";
/** The packet mark bit that asks for masquerading at postrouting. */
export const MASQUERADE_MARK = 0x4000;

const T = `ip ${TABLE}`;

/** One Service's share of the table. Element keys are `<map> <key>`, their values verdicts. */
export interface NftObjects {
  sets: ReadonlyMap<string, string>;
  chains: ReadonlyMap<string, readonly string[]>;
  elements: ReadonlyMap<string, string>;
  /** Endpoint addresses its rules DNAT to: each needs `e . e` in the shared hairpin set. */
  addresses: ReadonlySet<string>;
}

export const EMPTY_OBJECTS: NftObjects = { sets: new Map(), chains: new Map(), elements: new Map(), addresses: new Set() };

const REJECT = "goto reject-chain";

/** The table with its fixed chains, maps and sets, and no services: an `nft -f` block. */
export function baseTable(podCidrs: readonly string[]): string {
  const mark = `0x${MASQUERADE_MARK.toString(16)}`;
  const lines = [
    `table ${T} {`,
    "  set pod-cidrs { type ipv4_addr; flags interval; auto-merge; }",
    "  map service-ips { type ipv4_addr . inet_proto . inet_service : verdict; }",
    "  map service-nodeports { type inet_proto . inet_service : verdict; }",
    "  map no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict; }",
    "  map no-endpoint-nodeports { type inet_proto . inet_service : verdict; }",
    "  set hairpin { type ipv4_addr . ipv4_addr; }",
    "  chain reject-chain { meta l4proto tcp reject with tcp reset; reject; }",
    `  chain mark-for-masquerade { meta mark set meta mark | ${mark}; }`,
    // A DNATed packet whose source is its new destination is an endpoint reaching itself: without masquerading the
    // reply would not come back through conntrack. An endpoint reaching a different endpoint keeps its source.
    `  chain masquerading { ct status dnat ip saddr . ip daddr @hairpin jump mark-for-masquerade; meta mark & ${mark} == 0 return; meta mark set meta mark ^ ${mark}; masquerade fully-random; }`,
    // NodePorts answer on every local address, 127.0.0.1 included (route_localnet lets DNATed loopback traffic leave).
    "  chain services { ip daddr . meta l4proto . th dport vmap @service-ips; fib daddr type local meta l4proto . th dport vmap @service-nodeports; }",
    "  chain nat-prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }",
    "  chain nat-output { type nat hook output priority -100; policy accept; jump services; }",
    "  chain nat-postrouting { type nat hook postrouting priority srcnat; policy accept; jump masquerading; }",
    "  chain service-endpoints-check { ip daddr . meta l4proto . th dport vmap @no-endpoint-services; }",
    "  chain nodeport-endpoints-check { meta l4proto . th dport vmap @no-endpoint-nodeports; }",
    // Before DNAT (-100) on output, so the host's own traffic is checked against the VIP it addressed.
    "  chain filter-input { type filter hook input priority -110; policy accept; ct state new jump nodeport-endpoints-check; ct state new jump service-endpoints-check; }",
    "  chain filter-forward { type filter hook forward priority -110; policy accept; ct state new jump service-endpoints-check; }",
    "  chain filter-output { type filter hook output priority -110; policy accept; ct state new jump service-endpoints-check; }",
    "}",
  ];
  return [...lines, ...podCidrCommands(podCidrs)].join("\n") + "\n";
}

/** Replaces the pod CIDR set's contents. */
export function podCidrCommands(podCidrs: readonly string[]): string[] {
  const out = [`flush set ${T} pod-cidrs`];
  if (podCidrs.length > 0) out.push(`add element ${T} pod-cidrs { ${podCidrs.join(", ")} }`);
  return out;
}

/**
 * Everything at once: removes any table left behind (add-then-delete never fails), then loads the full one.
 * `hairpin` must be fresh (empty); it ends up counting the loaded Services' addresses.
 */
export function fullSyncScript(podCidrs: readonly string[], services: Iterable<NftObjects>, hairpin: HairpinAddresses): string {
  const lines = [`add table ${T}`, `delete table ${T}`, baseTable(podCidrs).trimEnd()];
  for (const objs of services) lines.push(...diffCommands(EMPTY_OBJECTS, objs), ...hairpin.update(EMPTY_OBJECTS, objs));
  return lines.join("\n") + "\n";
}

/**
 * How many Services use each endpoint address, so the shared hairpin set holds an address while any Service
 * DNATs to it and loses it with the last one.
 */
export class HairpinAddresses {
  readonly #users = new Map<string, number>();

  /** Commands moving the set from one Service's old addresses to its new ones, counting as it goes. */
  update(old: NftObjects, next: NftObjects): string[] {
    const added: string[] = [];
    const removed: string[] = [];
    for (const ip of next.addresses) {
      if (old.addresses.has(ip)) continue;
      const n = this.#users.get(ip) ?? 0;
      this.#users.set(ip, n + 1);
      if (n === 0) added.push(ip);
    }
    for (const ip of old.addresses) {
      if (next.addresses.has(ip)) continue;
      const n = this.#users.get(ip)!;
      if (n > 1) this.#users.set(ip, n - 1);
      else {
        this.#users.delete(ip);
        removed.push(ip);
      }
    }
    const pairs = (ips: string[]) => ips.map((ip) => `${ip} . ${ip}`).join(", ");
    const out: string[] = [];
    if (removed.length > 0) out.push(`delete element ${T} hairpin { ${pairs(removed)} }`);
    if (added.length > 0) out.push(`add element ${T} hairpin { ${pairs(added)} }`);
    return out;
  }
}

export const deleteTableScript = (): string => `add table ${T}\ndelete table ${T}\n`;

const hash = (...parts: (string | number)[]): string => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 8);

// Names carry a hash (unique) and the readable id; nft allows '/', '.', '-' and '_' in names.
export const serviceChainName = (m: ServicePortModel): string => `svc-${hash(m.id)}-${m.id}`;
export const externalChainName = (m: ServicePortModel): string => `ext-${hash(m.id)}-${m.id}`;
export const endpointChainName = (m: ServicePortModel, ep: EndpointModel): string => `ep-${hash(m.id, ep.ip, ep.port)}-${m.id}__${ep.ip}/${ep.port}`;
// The timeout is part of the name: a changed timeout is a new set, never an in-place change of a referenced one.
const affinitySetName = (m: ServicePortModel, ep: EndpointModel): string => `aff-${hash(m.id, ep.ip, ep.port, m.affinitySeconds ?? 0)}-${m.id}__${ep.ip}/${ep.port}`;

const epKey = (ep: EndpointModel): string => `${ep.ip}:${ep.port}`;

/** The objects one Service (all its ports) needs. */
export function renderService(ports: readonly ServicePortModel[]): NftObjects {
  const objs = { sets: new Map<string, string>(), chains: new Map<string, readonly string[]>(), elements: new Map<string, string>(), addresses: new Set<string>() };
  for (const m of ports) renderPort(m, objs);
  return objs;
}

interface Building {
  sets: Map<string, string>;
  chains: Map<string, readonly string[]>;
  elements: Map<string, string>;
  addresses: Set<string>;
}

function renderPort(m: ServicePortModel, { sets, chains, elements, addresses }: Building): void {
  const internal = m.internalLocal ? m.localEndpoints : m.clusterEndpoints;
  const external = m.externalLocal ? m.localEndpoints : m.clusterEndpoints;
  const hasExternal = m.externalIPs.length > 0 || m.nodePort !== undefined;
  const svcChain = serviceChainName(m);
  const extChain = externalChainName(m);

  const used = new Map<string, EndpointModel>();
  for (const ep of internal) used.set(epKey(ep), ep);
  if (hasExternal) for (const ep of external) used.set(epKey(ep), ep);
  for (const ep of used.values()) addresses.add(ep.ip);
  if (m.affinitySeconds !== undefined) {
    for (const ep of used.values()) {
      const set = affinitySetName(m, ep);
      sets.set(set, `{ type ipv4_addr; flags dynamic,timeout; timeout ${m.affinitySeconds}s; }`);
      chains.set(endpointChainName(m, ep), [`update @${set} { ip saddr }`, dnat(m, [ep])]);
    }
  }

  chains.set(svcChain, [`ip saddr != @pod-cidrs jump mark-for-masquerade`, ...spread(m, internal)]);
  const vip = `${m.clusterIP} . ${m.protocol} . ${m.port}`;
  if (internal.length > 0) elements.set(`service-ips ${vip}`, `goto ${svcChain}`);
  else elements.set(`no-endpoint-services ${vip}`, m.internalLocal ? "drop" : REJECT);

  if (!hasExternal) return;
  chains.set(
    extChain,
    m.externalLocal
      ? [
          // Pods and the node itself are not "external": they use the Service as its ClusterIP would.
          `ip saddr @pod-cidrs goto ${svcChain}`,
          "fib saddr type local jump mark-for-masquerade",
          `fib saddr type local goto ${svcChain}`,
          ...spread(m, external),
        ]
      : ["jump mark-for-masquerade", ...spread(m, external)],
  );
  const verdict = external.length > 0 ? `goto ${extChain}` : m.externalLocal ? "drop" : REJECT;
  const ipMap = external.length > 0 ? "service-ips" : "no-endpoint-services";
  for (const ip of m.externalIPs) elements.set(`${ipMap} ${ip} . ${m.protocol} . ${m.port}`, verdict);
  if (m.nodePort !== undefined) elements.set(`${external.length > 0 ? "service-nodeports" : "no-endpoint-nodeports"} ${m.protocol} . ${m.nodePort}`, verdict);
}

/**
 * Rules choosing an endpoint. Without affinity: one DNAT to an endpoint picked at random. With affinity: a client's
 * remembered endpoint first, else a random endpoint chain, which remembers the client.
 */
function spread(m: ServicePortModel, eps: readonly EndpointModel[]): string[] {
  if (eps.length === 0) return [];
  if (m.affinitySeconds === undefined) return [dnat(m, eps)];
  const rules = eps.map((ep) => `ip saddr @${affinitySetName(m, ep)} goto ${endpointChainName(m, ep)}`);
  if (eps.length === 1) rules.push(`goto ${endpointChainName(m, eps[0]!)}`);
  else rules.push(`numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${endpointChainName(m, ep)}`).join(", ")} }`);
  return rules;
}

/** DNAT to the endpoint, or to one of them at random. nft 1.0.6 needs the protocol matched before `dnat to`. */
function dnat(m: ServicePortModel, eps: readonly EndpointModel[]): string {
  if (eps.length === 1) return `meta l4proto ${m.protocol} dnat to ${eps[0]!.ip}:${eps[0]!.port}`;
  return `meta l4proto ${m.protocol} dnat ip to numgen random mod ${eps.length} map { ${eps.map((ep, i) => `${i} : ${ep.ip} . ${ep.port}`).join(", ")} }`;
}

const sameRules = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((r, i) => r === b[i]);

/**
 * nft commands turning `old` into `next`, ordered so every reference is valid inside one transaction: new sets
 * and chains first, then rewritten chains, then map elements, then chains and sets nothing refers to any more.
 */
export function diffCommands(old: NftObjects, next: NftObjects): string[] {
  const out: string[] = [];
  for (const [name, decl] of next.sets) if (!old.sets.has(name)) out.push(`add set ${T} ${name} ${decl}`);
  for (const name of next.chains.keys()) if (!old.chains.has(name)) out.push(`add chain ${T} ${name}`);
  for (const [name, rules] of next.chains) {
    const prev = old.chains.get(name);
    if (prev && sameRules(prev, rules)) continue;
    if (prev) out.push(`flush chain ${T} ${name}`);
    for (const rule of rules) out.push(`add rule ${T} ${name} ${rule}`);
  }
  for (const [k, v] of old.elements) {
    if (next.elements.get(k) === v) continue;
    const [map, key] = splitElement(k);
    out.push(`delete element ${T} ${map} { ${key} }`);
  }
  for (const [k, v] of next.elements) {
    if (old.elements.get(k) === v) continue;
    const [map, key] = splitElement(k);
    out.push(`add element ${T} ${map} { ${key} : ${v} }`);
  }
  const gone = [...old.chains.keys()].filter((name) => !next.chains.has(name));
  for (const name of gone) out.push(`flush chain ${T} ${name}`);
  for (const name of gone) out.push(`delete chain ${T} ${name}`);
  for (const name of old.sets.keys()) if (!next.sets.has(name)) out.push(`delete set ${T} ${name}`);
  return out;
}

function splitElement(k: string): [string, string] {
  const i = k.indexOf(" ");
  return [k.slice(0, i), k.slice(i + 1)];
}
