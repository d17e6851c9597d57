// The proxy against the real kernel: a "node" network namespace with a bridge and three "pod" namespaces (two
// busybox httpd servers and a client), Services and EndpointSlices written through a real API server, and real
// traffic. Nothing touches the host's own network namespace.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { startTestApi } from "../../test/support/api-server.ts";
import type { TestApi } from "../../test/support/api-server.ts";
import { R } from "../client/resources.ts";
import { startServiceProxy } from "./service-proxy.ts";
import type { RunningServiceProxy } from "./service-proxy.ts";

const exec = promisify(execFile);
const NS = `bpx${process.pid}`;
const NODE = `${NS}-node`;
const PODS = { a: "10.250.1.11", b: "10.250.1.12", client: "10.250.1.13" } as const;
const NODE_IP = "192.0.2.10";
const NODE_NAME = "node-a";

const inNs = (ns: string, ...argv: string[]) => exec("nsenter", [`--net=/run/netns/${ns}`, ...argv]);
const ip = (...args: string[]) => exec("ip", args);

/** GETs a URL from inside a namespace; answers the body, or the error text when it fails. */
async function get(ns: string, url: string): Promise<{ ok: boolean; text: string; ms: number }> {
  const t0 = performance.now();
  try {
    const { stdout } = await inNs(ns, "timeout", "5", "/bin/busybox", "wget", "-qO-", url);
    return { ok: true, text: stdout.trim(), ms: performance.now() - t0 };
  } catch (err) {
    return { ok: false, text: String((err as { stderr?: string }).stderr ?? err), ms: performance.now() - t0 };
  }
}

/** Which pods answer a URL asked from inside a namespace: up to 30 GETs, stopping once two have answered. */
async function answering(ns: string, url: string): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < 30 && seen.size < 2; i++) {
    const r = await get(ns, url);
    assert.ok(r.ok, r.text);
    seen.add(r.text);
  }
  return [...seen].sort();
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function slice(service: string, ips: string[], port = 80, opts: { nodeName?: string; ready?: boolean } = {}): EndpointSlice {
  return {
    metadata: { name: `${service}-1`, namespace: "default", labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: ips.map((a) => ({ addresses: [a], nodeName: opts.nodeName ?? NODE_NAME, conditions: { ready: opts.ready ?? true } })),
    ports: [{ name: "http", port, protocol: "TCP" }],
  };
}

describe("service proxy in network namespaces", { timeout: 120_000 }, () => {
  let api: TestApi;
  let proxy: RunningServiceProxy;
  const abort = new AbortController();
  const servers: ChildProcess[] = [];
  let webDir: string;
  const vip: Record<string, string> = {};
  let nodePort = 0;

  const svcs = () => api.client.resource(R.services);
  const slices = () => api.client.resource(R.endpointslices);
  const nft = (...args: string[]) => inNs(NODE, "nft", ...args);

  async function createService(name: string, spec: Service["spec"]): Promise<Service> {
    const svc = await svcs().create({ metadata: { name, namespace: "default" }, spec: { ports: [{ name: "http", port: 80, protocol: "TCP" }], ...spec } });
    vip[name] = svc.spec!.clusterIP!;
    return svc;
  }

  before(async () => {
    // Node: a bridge for the pods, an "uplink" veth holding the node address and the default route (so VIPs route).
    await ip("netns", "add", NODE);
    await inNs(NODE, "ip", "link", "set", "lo", "up");
    await inNs(NODE, "ip", "link", "add", "br0", "type", "bridge");
    await inNs(NODE, "ip", "addr", "add", "10.250.1.1/24", "dev", "br0");
    await inNs(NODE, "ip", "link", "set", "br0", "up");
    await inNs(NODE, "ip", "link", "add", "up0", "type", "veth", "peer", "name", "up1");
    await inNs(NODE, "ip", "link", "set", "up1", "up");
    await inNs(NODE, "ip", "addr", "add", `${NODE_IP}/24`, "dev", "up0");
    await inNs(NODE, "ip", "link", "set", "up0", "up");
    await inNs(NODE, "ip", "route", "add", "default", "dev", "up0");
    await inNs(NODE, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.bridge.bridge-nf-call-iptables=1");
    for (const [pod, addr] of Object.entries(PODS)) {
      const ns = `${NS}-${pod}`;
      await ip("netns", "add", ns);
      await inNs(NODE, "ip", "link", "add", `v-${pod}`, "type", "veth", "peer", "name", "eth0", "netns", ns);
      await inNs(NODE, "ip", "link", "set", `v-${pod}`, "master", "br0", "up");
      // As the CNI bridge plugin's hairpinMode: a pod's own traffic, DNATed back to it, leaves by the port it came in.
      await inNs(NODE, "ip", "link", "set", `v-${pod}`, "type", "bridge_slave", "hairpin", "on");
      await inNs(ns, "ip", "link", "set", "lo", "up");
      await inNs(ns, "ip", "addr", "add", `${addr}/24`, "dev", "eth0");
      await inNs(ns, "ip", "link", "set", "eth0", "up");
      await inNs(ns, "ip", "route", "add", "default", "via", "10.250.1.1");
    }
    webDir = await mkdtemp(join(tmpdir(), "bpx-web-"));
    for (const pod of ["a", "b"] as const) {
      await mkdir(join(webDir, pod));
      await writeFile(join(webDir, pod, "index.html"), `pod-${pod}\n`);
      servers.push(spawn("nsenter", [`--net=/run/netns/${NS}-${pod}`, "/bin/busybox", "httpd", "-f", "-p", "80", "-h", join(webDir, pod)], { stdio: "ignore" }));
    }
    // A stale table from an earlier run, which the proxy must replace.
    await nft("add table ip berth-proxy; add chain ip berth-proxy stale");

    api = await startTestApi();
    await api.client.resource(R.nodes).create({ metadata: { name: NODE_NAME }, spec: { podCIDRs: ["10.250.1.0/24"], podCIDR: "10.250.1.0/24" } });
    const web = await createService("web", { type: "NodePort" });
    nodePort = web.spec!.ports![0]!.nodePort!;
    await slices().create(slice("web", [PODS.a, PODS.b]));
    await createService("empty", {});
    await createService("solo", {});
    await slices().create(slice("solo", [PODS.a]));
    await createService("sticky", { sessionAffinity: "ClientIP" });
    await slices().create(slice("sticky", [PODS.a, PODS.b]));

    proxy = await startServiceProxy({ client: api.client, nodeName: NODE_NAME, commandPrefix: ["nsenter", `--net=/run/netns/${NODE}`], signal: abort.signal });
    await proxy.synced;
  });

  after(async () => {
    abort.abort();
    await proxy?.done;
    for (const s of servers) s.kill();
    await api?.close();
    for (const ns of [NODE, ...Object.keys(PODS).map((p) => `${NS}-${p}`)]) await ip("netns", "del", ns).catch(() => {});
    if (webDir) await rm(webDir, { recursive: true, force: true });
  });

  test("a stale table is replaced at start", async () => {
    await assert.rejects(nft("list", "chain", "ip", "berth-proxy", "stale"));
    await nft("list", "chain", "ip", "berth-proxy", "services");
  });

  test("the ClusterIP spreads over both endpoints", async () => {
    assert.deepEqual(await answering(`${NS}-client`, `http://${vip.web}/`), ["pod-a", "pod-b"]);
  });

  test("the host reaches the ClusterIP (masqueraded)", async () => {
    const r = await get(NODE, `http://${vip.web}/`);
    assert.ok(r.ok, r.text);
    assert.match(r.text, /^pod-[ab]$/);
  });

  test("the NodePort answers on 127.0.0.1 and on the node address", async () => {
    for (const host of ["127.0.0.1", NODE_IP]) {
      const r = await get(NODE, `http://${host}:${nodePort}/`);
      assert.ok(r.ok, `${host}: ${r.text}`);
      assert.match(r.text, /^pod-[ab]$/);
    }
    const fromPod = await get(`${NS}-client`, `http://${NODE_IP}:${nodePort}/`);
    assert.ok(fromPod.ok, fromPod.text);
  });

  test("a Service without endpoints refuses at once", async () => {
    for (const ns of [`${NS}-client`, NODE]) {
      const r = await get(ns, `http://${vip.empty}/`);
      assert.equal(r.ok, false);
      assert.match(r.text, /refused/i);
      assert.ok(r.ms < 1000, `took ${r.ms} ms`);
    }
  });

  test("an endpoint reaches itself through its Service (hairpin)", async () => {
    const r = await get(`${NS}-a`, `http://${vip.solo}/`);
    assert.ok(r.ok, r.text);
    assert.equal(r.text, "pod-a");
  });

  test("only hairpin traffic is masqueraded: an endpoint reaching another endpoint keeps its source", async () => {
    assert.deepEqual(await answering(`${NS}-a`, `http://${vip.web}/`), ["pod-a", "pod-b"]);
    // Each flow's reply tuple shows the source the endpoint saw: pod-a's own, or the bridge address (masqueraded).
    const { stdout } = await inNs(NODE, "conntrack", "-L", "-p", "tcp", "--orig-src", PODS.a, "--orig-dst", vip.web!);
    const replies = new Map<string, Set<string>>();
    for (const m of stdout.matchAll(/ src=\S+ dst=\S+ sport=\d+ dport=\d+ (?:\[\w+\] )?src=(\S+) dst=(\S+)/g)) {
      (replies.get(m[1]!) ?? replies.set(m[1]!, new Set()).get(m[1]!)!).add(m[2]!);
    }
    assert.deepEqual([...(replies.get(PODS.b) ?? [])], [PODS.a]);
    assert.deepEqual([...(replies.get(PODS.a) ?? [])], ["10.250.1.1"]);
  });

  test("ClientIP session affinity keeps a client on one endpoint", async () => {
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await get(`${NS}-client`, `http://${vip.sticky}/`);
      assert.ok(r.ok, r.text);
      answers.add(r.text);
    }
    assert.equal(answers.size, 1);
  });

  test("endpoint changes take effect: moved, emptied, filled again", async () => {
    await slices().update({ ...(await slices().get("default", "web-1")), endpoints: slice("web", [PODS.b]).endpoints });
    await until("only pod-b to answer", async () => {
      for (let i = 0; i < 8; i++) if ((await get(`${NS}-client`, `http://${vip.web}/`)).text !== "pod-b") return undefined;
      return true;
    });
    await slices().update({ ...(await slices().get("default", "web-1")), endpoints: slice("web", [PODS.b], 80, { ready: false }).endpoints });
    await until("refusal", async () => ((await get(`${NS}-client`, `http://${vip.web}/`)).text.match(/refused/i) ? true : undefined));
    await slices().delete("default", "web-1");
    await slices().create(slice("web", [PODS.a]));
    await until("pod-a to answer", async () => ((await get(`${NS}-client`, `http://${vip.web}/`)).text === "pod-a" ? true : undefined));
  });

  test("a deleted Service leaves no chains behind", async () => {
    const before = (await nft("list", "table", "ip", "berth-proxy")).stdout;
    assert.match(before, /default\/solo\/tcp\/http/);
    await svcs().delete("default", "solo");
    await until("solo's chains to go", async () => (/default\/solo\//.test((await nft("list", "table", "ip", "berth-proxy")).stdout) ? undefined : true));
  });

  test("the table is deleted on abort", async () => {
    abort.abort();
    await proxy.done;
    await assert.rejects(nft("list", "table", "ip", "berth-proxy"));
  });
});
