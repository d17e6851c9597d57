import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { diffCommands, EMPTY_OBJECTS, endpointChainName, externalChainName, fullSyncScript, HairpinAddresses, renderService, serviceChainName } from "./ruleset.ts";
import type { NftObjects } from "./ruleset.ts";
import type { ServicePortModel } from "./service-model.ts";

const exec = promisify(execFile);

const port = (over: Partial<ServicePortModel> = {}): ServicePortModel => ({
  id: "ns/web/tcp/http",
  protocol: "tcp",
  clusterIP: "10.43.0.5",
  port: 80,
  externalIPs: [],
  internalLocal: false,
  externalLocal: false,
  clusterEndpoints: [
    { ip: "10.42.0.2", port: 8080 },
    { ip: "10.42.1.3", port: 8080 },
  ],
  localEndpoints: [{ ip: "10.42.0.2", port: 8080 }],
  ...over,
});

const m = port();
const svc = serviceChainName(m);
const ext = externalChainName(m);
const ep1 = endpointChainName(m, m.clusterEndpoints[0]!);
const ep2 = endpointChainName(m, m.clusterEndpoints[1]!);

test("names are deterministic, readable and within nft's limits", () => {
  assert.equal(serviceChainName(port()), svc);
  assert.match(svc, /^svc-[0-9a-f]{8}-ns\/web\/tcp\/http$/);
  assert.match(ep1, /^ep-[0-9a-f]{8}-ns\/web\/tcp\/http__10\.42\.0\.2\/8080$/);
  const longest = port({ id: `${"n".repeat(63)}/${"s".repeat(63)}/sctp/${"p".repeat(15)}` });
  assert.ok(endpointChainName(longest, { ip: "255.255.255.255", port: 65535 }).length < 256);
});

const spread2 = "meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.42.0.2 . 8080, 1 : 10.42.1.3 . 8080 }";

test("a ClusterIP maps to its service chain, which DNATs to an endpoint picked at random: no endpoint chains", () => {
  const o = renderService([m]);
  assert.equal(o.elements.get("service-ips 10.43.0.5 . tcp . 80"), `goto ${svc}`);
  assert.deepEqual(o.chains.get(svc), ["ip saddr != @pod-cidrs jump mark-for-masquerade", spread2]);
  assert.deepEqual([...o.chains.keys()], [svc]);
  assert.equal(o.sets.size, 0);
  assert.deepEqual([...o.addresses], ["10.42.0.2", "10.42.1.3"]);
});

test("one endpoint: a plain DNAT; other protocols carry their own", () => {
  const o = renderService([port({ id: "ns/dns/udp/dns", protocol: "udp", port: 53, clusterEndpoints: [{ ip: "10.42.0.9", port: 5353 }] })]);
  assert.deepEqual([...o.chains.values()], [["ip saddr != @pod-cidrs jump mark-for-masquerade", "meta l4proto udp dnat to 10.42.0.9:5353"]]);
});

test("NodePorts and external IPs go through the external chain, masqueraded", () => {
  const p = port({ nodePort: 30080, externalIPs: ["192.0.2.1"], clusterEndpoints: [m.clusterEndpoints[0]!] });
  const o = renderService([p]);
  assert.equal(o.elements.get("service-nodeports tcp . 30080"), `goto ${ext}`);
  assert.equal(o.elements.get("service-ips 192.0.2.1 . tcp . 80"), `goto ${ext}`);
  assert.deepEqual(o.chains.get(ext), ["jump mark-for-masquerade", "meta l4proto tcp dnat to 10.42.0.2:8080"]);
});

test("without endpoints: rejected (Cluster policies) or dropped (Local policies)", () => {
  const none = renderService([port({ clusterEndpoints: [], localEndpoints: [], nodePort: 30080 })]);
  assert.equal(none.elements.get("no-endpoint-services 10.43.0.5 . tcp . 80"), "goto reject-chain");
  assert.equal(none.elements.get("no-endpoint-nodeports tcp . 30080"), "goto reject-chain");
  assert.equal(none.elements.has("service-ips 10.43.0.5 . tcp . 80"), false);
  const noLocal = renderService([port({ localEndpoints: [], internalLocal: true, externalLocal: true, nodePort: 30080 })]);
  assert.equal(noLocal.elements.get("no-endpoint-services 10.43.0.5 . tcp . 80"), "drop");
  assert.equal(noLocal.elements.get("no-endpoint-nodeports tcp . 30080"), "drop");
});

test("internalTrafficPolicy Local spreads ClusterIP traffic over this node's endpoints only", () => {
  const o = renderService([port({ internalLocal: true })]);
  assert.deepEqual(o.chains.get(svc), ["ip saddr != @pod-cidrs jump mark-for-masquerade", "meta l4proto tcp dnat to 10.42.0.2:8080"]);
  assert.deepEqual([...o.addresses], ["10.42.0.2"]);
});

test("externalTrafficPolicy Local: external clients reach local endpoints unmasqueraded; pods and the node use the cluster path", () => {
  const o = renderService([port({ externalLocal: true, nodePort: 30080 })]);
  assert.deepEqual(o.chains.get(ext), [
    `ip saddr @pod-cidrs goto ${svc}`,
    "fib saddr type local jump mark-for-masquerade",
    `fib saddr type local goto ${svc}`,
    "meta l4proto tcp dnat to 10.42.0.2:8080",
  ]);
  assert.deepEqual([...o.addresses].sort(), ["10.42.0.2", "10.42.1.3"]);
});

test("ClientIP affinity: a chain and timed set per endpoint, checked before the random spread and refreshed on the way out", () => {
  const o = renderService([port({ affinitySeconds: 60 })]);
  assert.equal(o.sets.size, 2);
  const [set1, set2] = [...o.sets.keys()].sort((a, b) => (a.endsWith("10.42.0.2/8080") ? -1 : b.endsWith("10.42.0.2/8080") ? 1 : 0));
  assert.equal(o.sets.get(set1!), "{ type ipv4_addr; flags dynamic,timeout; timeout 60s; }");
  assert.deepEqual(o.chains.get(svc), [
    "ip saddr != @pod-cidrs jump mark-for-masquerade",
    `ip saddr @${set1} goto ${ep1}`,
    `ip saddr @${set2} goto ${ep2}`,
    `numgen random mod 2 vmap { 0 : goto ${ep1}, 1 : goto ${ep2} }`,
  ]);
  assert.deepEqual(o.chains.get(ep1), [`update @${set1} { ip saddr }`, "meta l4proto tcp dnat to 10.42.0.2:8080"]);
});

test("diffs: nothing for no change; an endpoint change rewrites the service chain only", () => {
  const a = renderService([m]);
  assert.deepEqual(diffCommands(a, renderService([port()])), []);
  const moved = port({ clusterEndpoints: [m.clusterEndpoints[1]!, { ip: "10.42.2.4", port: 8080 }] });
  assert.deepEqual(diffCommands(a, renderService([moved])), [
    `flush chain ip berth-proxy ${svc}`,
    `add rule ip berth-proxy ${svc} ip saddr != @pod-cidrs jump mark-for-masquerade`,
    `add rule ip berth-proxy ${svc} meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.42.1.3 . 8080, 1 : 10.42.2.4 . 8080 }`,
  ]);
});

test("diffs with affinity: an endpoint change adds and removes endpoint chains and their sets", () => {
  const a = renderService([port({ affinitySeconds: 60 })]);
  const moved = port({ affinitySeconds: 60, clusterEndpoints: [m.clusterEndpoints[1]!, { ip: "10.42.2.4", port: 8080 }] });
  const ep3 = endpointChainName(moved, moved.clusterEndpoints[1]!);
  const cmds = diffCommands(a, renderService([moved]));
  assert.ok(cmds.indexOf(`add chain ip berth-proxy ${ep3}`) < cmds.indexOf(`flush chain ip berth-proxy ${svc}`));
  assert.ok(cmds.indexOf(`flush chain ip berth-proxy ${svc}`) < cmds.indexOf(`delete chain ip berth-proxy ${ep1}`));
  assert.equal(cmds.filter((c) => /^add set .*10\.42\.2\.4\/8080 /.test(c)).length, 1);
  assert.equal(cmds.filter((c) => /^delete set .*10\.42\.0\.2\/8080$/.test(c)).length, 1);
  assert.equal(cmds.some((c) => c.startsWith(`add rule ip berth-proxy ${ep2} `) || c.startsWith(`flush chain ip berth-proxy ${ep2}`)), false, "the kept endpoint's chain stays");
});

test("the hairpin set holds an address while any Service DNATs to it", () => {
  const h = new HairpinAddresses();
  const web = renderService([m]);
  const other = renderService([port({ id: "ns/other/tcp/http", clusterIP: "10.43.0.6", clusterEndpoints: [{ ip: "10.42.0.2", port: 9090 }] })]);
  assert.deepEqual(h.update(EMPTY_OBJECTS, web), ["add element ip berth-proxy hairpin { 10.42.0.2 . 10.42.0.2, 10.42.1.3 . 10.42.1.3 }"]);
  assert.deepEqual(h.update(EMPTY_OBJECTS, other), []);
  assert.deepEqual(h.update(web, web), []);
  assert.deepEqual(h.update(web, EMPTY_OBJECTS), ["delete element ip berth-proxy hairpin { 10.42.1.3 . 10.42.1.3 }"]);
  assert.deepEqual(h.update(other, renderService([port({ id: "ns/other/tcp/http", clusterEndpoints: [{ ip: "10.42.5.5", port: 9090 }] })])), [
    "delete element ip berth-proxy hairpin { 10.42.0.2 . 10.42.0.2 }",
    "add element ip berth-proxy hairpin { 10.42.5.5 . 10.42.5.5 }",
  ]);
});

test("diffs: losing every endpoint swaps the map element for a reject; deleting removes everything", () => {
  const a = renderService([m]);
  const empty = renderService([port({ clusterEndpoints: [], localEndpoints: [] })]);
  const cmds = diffCommands(a, empty);
  assert.ok(cmds.includes("delete element ip berth-proxy service-ips { 10.43.0.5 . tcp . 80 }"));
  assert.ok(cmds.includes("add element ip berth-proxy no-endpoint-services { 10.43.0.5 . tcp . 80 : goto reject-chain }"));
  const gone = diffCommands(a, EMPTY_OBJECTS);
  assert.equal(gone.filter((c) => c.startsWith("delete chain")).length, 1);
  assert.ok(gone.indexOf("delete element ip berth-proxy service-ips { 10.43.0.5 . tcp . 80 }") < gone.indexOf(`delete chain ip berth-proxy ${svc}`));
});

// The real nft: an incrementally updated table must equal a freshly loaded one.
const NS = `bpx${process.pid}-render`;
after(async () => {
  for (const n of ["a", "b"]) await exec("ip", ["netns", "del", `${NS}-${n}`]).catch(() => {});
});

async function nftIn(ns: string, script: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile("nsenter", [`--net=/run/netns/${ns}`, "nft", "-f", "-"], (err) => (err ? reject(err) : resolve()));
    child.stdin!.end(script);
  });
}

/** The table as comparable facts: each chain's rules, each map's elements (order-free), each set's declaration. */
async function snapshot(ns: string): Promise<Record<string, string[]>> {
  const { stdout } = await exec("nsenter", [`--net=/run/netns/${ns}`, "nft", "-j", "list", "table", "ip", "berth-proxy"]);
  const out: Record<string, string[]> = {};
  for (const item of JSON.parse(stdout).nftables as Record<string, Record<string, unknown>>[]) {
    if (item.chain) out[`chain ${item.chain.name}`] ??= [];
    if (item.rule) (out[`chain ${item.rule.chain}`] ??= []).push(JSON.stringify(item.rule.expr));
    for (const kind of ["map", "set"]) if (item[kind]) out[`${kind} ${item[kind].name}`] = ((item[kind].elem as unknown[]) ?? []).map((e) => JSON.stringify(e)).sort();
  }
  return out;
}

test("applied diffs leave the kernel with what a full load of the end state gives", async () => {
  for (const n of ["a", "b"]) await exec("ip", ["netns", "add", `${NS}-${n}`]);
  const dns = (eps: ServicePortModel["clusterEndpoints"]) =>
    renderService([port({ id: "ns/dns/udp/dns", protocol: "udp", clusterIP: "10.43.0.10", port: 53, clusterEndpoints: eps, localEndpoints: [] })]);
  // A third Service shares 10.42.0.2 with web: the hairpin pair must outlive either one alone.
  const api = (eps: ServicePortModel["clusterEndpoints"]) => renderService([port({ id: "ns/api/tcp/https", clusterIP: "10.43.0.7", port: 443, clusterEndpoints: eps })]);
  const states: NftObjects[][] = [
    [renderService([m]), dns([]), api([{ ip: "10.42.0.2", port: 8443 }])],
    [
      renderService([port({ affinitySeconds: 30, nodePort: 30080, externalIPs: ["192.0.2.1"], externalLocal: true })]),
      dns([{ ip: "10.42.0.9", port: 53 }]),
      api([{ ip: "10.42.0.2", port: 8443 }, { ip: "10.42.3.3", port: 8443 }]),
    ],
    [renderService([port({ affinitySeconds: 90, nodePort: 30080, clusterEndpoints: [{ ip: "10.42.2.4", port: 8080 }], internalLocal: true })]), EMPTY_OBJECTS, api([{ ip: "10.42.0.2", port: 8443 }])],
    [renderService([port({ clusterEndpoints: [{ ip: "10.42.3.3", port: 8080 }] })]), dns([{ ip: "10.42.0.9", port: 53 }, { ip: "10.42.0.2", port: 53 }]), EMPTY_OBJECTS],
  ];
  const hairpin = new HairpinAddresses();
  await nftIn(`${NS}-a`, fullSyncScript(["10.42.0.0/16"], states[0]!, hairpin));
  for (let i = 1; i < states.length; i++) {
    const cmds = states[i]!.flatMap((next, j) => [...diffCommands(states[i - 1]![j]!, next), ...hairpin.update(states[i - 1]![j]!, next)]);
    await nftIn(`${NS}-a`, cmds.join("\n") + "\n");
    await nftIn(`${NS}-b`, fullSyncScript(["10.42.0.0/16"], states[i]!, new HairpinAddresses()));
    const incremental = await snapshot(`${NS}-a`);
    assert.deepEqual(incremental, await snapshot(`${NS}-b`), `after step ${i}`);
    const pairs = states[i]!.flatMap((o) => [...o.addresses]).map((ip) => JSON.stringify({ concat: [ip, ip] }));
    assert.deepEqual(incremental["set hairpin"], [...new Set(pairs)].sort(), `hairpin set after step ${i}`);
  }
});
