// Two "nodes" (network namespaces joined by a veth pair, each with a bridge holding its pod range and one "pod"
// namespace on it) programmed by startPodNetwork from Node objects in a real API server.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { Node } from "kubernetes-types/core/v1";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { TestApi } from "../../../test/support/api-server.ts";
import { R } from "../../client/resources.ts";
import { commandRunner } from "../../util/command.ts";
import type { RunCommand } from "../../util/command.ts";
import { startPodNetwork } from "./pod-network.ts";

const PREFIX = `bpn${process.pid}`;
const NS = { a: `${PREFIX}-a`, b: `${PREFIX}-b`, podA: `${PREFIX}-pa`, podB: `${PREFIX}-pb` };
const enter = (ns: string) => ["nsenter", `--net=/run/netns/${ns}`];
const host = commandRunner();
const inNs = (ns: string): RunCommand => commandRunner(enter(ns));

/** Node i (1 or 2): uplink 10.251.0.i/24, pod range 10.252.i.0/24 on bridge br0, its pod at 10.252.i.2. */
async function buildNode(i: number, node: string, pod: string): Promise<void> {
  const n = inNs(node);
  const p = inNs(pod);
  for (const cmd of [
    "link set lo up",
    `addr add 10.251.0.${i}/24 dev up0`,
    "link set up0 up",
    "link add br0 type bridge",
    `addr add 10.252.${i}.1/24 dev br0`,
    "link set br0 up",
    `link add vpod type veth peer name eth0 netns ${pod}`,
    "link set vpod master br0 up",
  ]) await n(["ip", ...cmd.split(" ")]);
  for (const cmd of ["link set lo up", `addr add 10.252.${i}.2/24 dev eth0`, "link set eth0 up", `route add default via 10.252.${i}.1`]) await p(["ip", ...cmd.split(" ")]);
}

async function tearDownNamespaces(): Promise<void> {
  for (const ns of Object.values(NS)) await host(["ip", "netns", "del", ns]).catch(() => {});
}

const nodeObject = (name: string, podCIDR: string): Node => ({ apiVersion: "v1", kind: "Node", metadata: { name }, spec: { podCIDR } });

async function createNode(api: TestApi, name: string, podCIDR: string, internalIp: string): Promise<void> {
  const nodes = api.client.resource(R.nodes);
  const created = await nodes.create(nodeObject(name, podCIDR));
  await setInternalIp(api, created, internalIp);
}

async function setInternalIp(api: TestApi, node: Node, internalIp: string): Promise<void> {
  await api.client.resource(R.nodes).updateStatus({ ...node, status: { addresses: [{ type: "InternalIP", address: internalIp }] } });
}

const podRoutes = async (ns: string): Promise<{ dst: string; gateway: string }[]> =>
  (JSON.parse(await inNs(ns)(["ip", "-j", "route", "show", "proto", "66"])) as { dst: string; gateway: string }[]).map(({ dst, gateway }) => ({ dst, gateway }));

async function podRanges(ns: string): Promise<string[]> {
  const out = JSON.parse(await inNs(ns)(["nft", "-j", "list", "set", "ip", "berth-network", "pod-ranges"])) as { nftables: { set?: { elem?: { prefix: { addr: string; len: number } }[] } }[] };
  const elems = out.nftables.find((o) => o.set)?.set?.elem ?? [];
  return elems.map((e) => `${e.prefix.addr}/${e.prefix.len}`).sort();
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A TCP server in `ns` answering every connection with the peer address it sees. */
async function startWhoAmI(ns: string, address: string, port: number): Promise<ChildProcess> {
  const script = `require("net").createServer((c) => c.end(c.remoteAddress)).listen(${port}, "${address}", () => console.log("ready"))`;
  const child = spawn(enter(ns)[0]!, [...enter(ns).slice(1), process.execPath, "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit").then(([code]) => Promise.reject(new Error(`who-am-I server in ${ns} exited (${code})`)));
  await Promise.race([once(child.stdout!, "data"), exited]);
  exited.catch(() => {}); // it is killed at the end
  return child;
}

/** Connects from `ns` and returns what the server said. */
function askWhoAmI(ns: string, address: string, port: number): Promise<string> {
  const script = `const c = require("net").connect(${port}, "${address}"); let d = ""; c.on("data", (x) => (d += x)); c.on("end", () => console.log(d)); c.setTimeout(3000, () => process.exit(2));`;
  return inNs(ns)([process.execPath, "-e", script]).then((s) => s.trim());
}

describe("startPodNetwork (two nodes in network namespaces)", { timeout: 90_000 }, () => {
  let api: TestApi;
  const stops: AbortController[] = [];
  const networks: { done: Promise<void> }[] = [];
  const servers: ChildProcess[] = [];

  before(async () => {
    await tearDownNamespaces();
    for (const ns of Object.values(NS)) await host(["ip", "netns", "add", ns]);
    await inNs(NS.a)(["ip", "link", "add", "up0", "type", "veth", "peer", "name", "up0", "netns", NS.b]);
    await buildNode(1, NS.a, NS.podA);
    await buildNode(2, NS.b, NS.podB);
    // What a previous run could have left, and kernel settings not yet made.
    await inNs(NS.a)(["ip", "route", "add", "10.252.9.0/24", "via", "10.251.0.2", "proto", "66"]);
    await inNs(NS.a)(["nft", "add table ip berth-network; add chain ip berth-network leftover"]);
    await inNs(NS.a)(["sysctl", "-w", "net.ipv4.ip_forward=0", "net.bridge.bridge-nf-call-iptables=0"]);

    api = await startTestApi();
    await createNode(api, "node-a", "10.252.1.0/24", "10.251.0.1");
    await createNode(api, "node-b", "10.252.2.0/24", "10.251.0.2");
    for (const [name, ns, podCidr] of [["node-a", NS.a, "10.252.1.0/24"], ["node-b", NS.b, "10.252.2.0/24"]] as const) {
      const stop = new AbortController();
      stops.push(stop);
      networks.push(await startPodNetwork({ client: api.client, nodeName: name, podCidr, commandPrefix: enter(ns), signal: stop.signal }));
    }
  });

  after(async () => {
    for (const s of servers) s.kill();
    for (const s of stops) s.abort();
    await Promise.all(networks.map((n) => n.done));
    await api?.close();
    await tearDownNamespaces();
  });

  it("sets the kernel up and replaces what a previous run left", async () => {
    const sysctl = await inNs(NS.a)(["sysctl", "-n", "net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables"]);
    assert.deepEqual(sysctl.trim().split("\n"), ["1", "1"]);
    assert.deepEqual(await podRoutes(NS.a), [{ dst: "10.252.2.0/24", gateway: "10.251.0.2" }]);
    assert.deepEqual(await podRoutes(NS.b), [{ dst: "10.252.1.0/24", gateway: "10.251.0.1" }]);
    const table = await inNs(NS.a)(["nft", "list", "table", "ip", "berth-network"]);
    assert.doesNotMatch(table, /leftover/);
    assert.match(table, /ip saddr 10\.252\.1\.0\/24 ip daddr != @pod-ranges masquerade/);
    assert.deepEqual(await podRanges(NS.a), ["10.252.1.0/24", "10.252.2.0/24"]);
  });

  it("lets pods on different nodes reach each other by pod IP, without NAT", async () => {
    servers.push(await startWhoAmI(NS.podB, "10.252.2.2", 8080), await startWhoAmI(NS.podA, "10.252.1.2", 8080));
    assert.equal(await askWhoAmI(NS.podA, "10.252.2.2", 8080), "10.252.1.2");
    assert.equal(await askWhoAmI(NS.podB, "10.252.1.2", 8080), "10.252.2.2");
  });

  it("masquerades pod traffic to addresses outside the pod ranges", async () => {
    // Node B routes node A's pod range back directly, so only the masquerade makes it see node A's address.
    servers.push(await startWhoAmI(NS.b, "10.251.0.2", 8081));
    assert.equal(await askWhoAmI(NS.podA, "10.251.0.2", 8081), "10.251.0.1");
  });

  it("follows Nodes: routes and pod ranges appear, move and go", async () => {
    const nodes = api.client.resource(R.nodes);
    await createNode(api, "node-c", "10.252.3.0/24", "10.251.0.3");
    const hasC = (via: string) => async () => (await podRoutes(NS.a)).some((r) => r.dst === "10.252.3.0/24" && r.gateway === via);
    await eventually("node-c's route on node A", hasC("10.251.0.3"));
    await eventually("node-c's route on node B", async () => (await podRoutes(NS.b)).some((r) => r.dst === "10.252.3.0/24"));
    assert.deepEqual(await podRanges(NS.a), ["10.252.1.0/24", "10.252.2.0/24", "10.252.3.0/24"]);

    await setInternalIp(api, await nodes.get(undefined, "node-c"), "10.251.0.4");
    await eventually("node-c's route through its new address", hasC("10.251.0.4"));

    // Not on a network node A is attached to: no route (no overlay), but its pods are still not NATed.
    await createNode(api, "node-d", "10.252.4.0/24", "192.0.2.7");
    // An address of this node's own is no gateway either.
    await createNode(api, "node-e", "10.252.5.0/24", "127.0.0.1");
    await eventually("node-d's and node-e's pod ranges", async () => (await podRanges(NS.a)).length === 5);
    assert.deepEqual((await podRoutes(NS.a)).map((r) => r.dst).sort(), ["10.252.2.0/24", "10.252.3.0/24"]);

    for (const name of ["node-c", "node-d", "node-e"]) await nodes.delete(undefined, name);
    await eventually("node-c, node-d and node-e gone", async () => (await podRanges(NS.a)).length === 2);
    assert.deepEqual(await podRoutes(NS.a), [{ dst: "10.252.2.0/24", gateway: "10.251.0.2" }]);
  });

  it("removes its routes and table when stopped", async () => {
    for (const s of stops) s.abort();
    await Promise.all(networks.map((n) => n.done));
    for (const ns of [NS.a, NS.b]) {
      assert.deepEqual(await podRoutes(ns), []);
      assert.equal((await inNs(ns)(["nft", "list", "tables"])).trim(), "");
    }
  });
});
