import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { TestApi } from "../../../test/support/api-server.ts";
import { Client } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import type { Transport } from "../../client/transport.ts";
import { sleep } from "../../util/sleep.ts";
import type { RuntimeState } from "./conditions.ts";
import { startNodeAgentStatus } from "./node-status-agent.ts";
import type { NodeAgentStatusOptions } from "./node-status-agent.ts";

const READY_RUNTIME: RuntimeState = { version: "containerd://1.6.20", runtimeReady: true, networkReady: true };

type Start = typeof startNodeAgentStatus;

/** Runs `fn` against a test API; agents it starts are stopped, and their loops awaited, before the API closes. */
async function withApi(fn: (api: TestApi, signal: AbortSignal, start: Start) => Promise<void>): Promise<void> {
  const api = await startTestApi();
  const abort = new AbortController();
  const loops: Promise<void>[] = [];
  const start: Start = async (opts) => {
    const agent = await startNodeAgentStatus(opts);
    loops.push(agent.done);
    return agent;
  };
  try {
    await fn(api, abort.signal, start);
  } finally {
    abort.abort();
    await Promise.all(loops);
    await api.close();
  }
}

const options = (api: TestApi, signal: AbortSignal, over: Partial<NodeAgentStatusOptions> = {}): NodeAgentStatusOptions => ({
  client: api.client, nodeName: "worker-1", nodeIP: "10.0.0.5", kubeletPort: 10250, dataDir: "/tmp",
  runtime: async () => READY_RUNTIME, signal, ...over,
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const readyStatus = (n: Node) => n.status?.conditions?.find((c) => c.type === "Ready")?.status;

test("registers a Ready node with a Lease it owns and renews", () => withApi(async (api, signal, start) => {
  const started = Date.now();
  const { registered } = await start(options(api, signal, { renewIntervalMs: 300, podCidr: "10.42.1.0/24", controlPlane: true }));
  const node = await api.client.resource(R.nodes).get(undefined, "worker-1");
  assert.equal(readyStatus(node), "True");
  assert.ok(Date.now() - started < 3000, "Ready within 3 s");
  assert.equal(node.metadata!.uid, registered.metadata!.uid);
  assert.equal(node.metadata!.labels!["kubernetes.io/hostname"], "worker-1");
  assert.equal(node.metadata!.labels!["kubernetes.io/os"], "linux");
  assert.equal(node.metadata!.labels!["node-role.kubernetes.io/control-plane"], "true");
  assert.equal(node.spec!.podCIDR, "10.42.1.0/24");
  assert.deepEqual(node.spec!.podCIDRs, ["10.42.1.0/24"]);
  assert.equal(node.status!.nodeInfo!.containerRuntimeVersion, "containerd://1.6.20");
  assert.deepEqual(node.status!.addresses![0], { type: "InternalIP", address: "10.0.0.5" });
  assert.match(node.status!.capacity!.memory!, /^\d+Ki$/);

  const leases = api.client.resource(R.leases);
  const lease = await leases.get("kube-node-lease", "worker-1");
  assert.equal(lease.spec!.holderIdentity, "worker-1");
  assert.equal(lease.spec!.leaseDurationSeconds, 40);
  assert.deepEqual(lease.metadata!.ownerReferences!.map((r) => [r.kind, r.name, r.uid]), [["Node", "worker-1", node.metadata!.uid]]);
  await until("a renewal", async () => {
    const l = await leases.get("kube-node-lease", "worker-1");
    return l.spec!.renewTime !== lease.spec!.renewTime ? l : undefined;
  });
  // A deleted Lease is taken again.
  await leases.delete("kube-node-lease", "worker-1");
  await until("the Lease back", async () => (await leases.list({ namespace: "kube-node-lease" })).items.find((l) => l.metadata!.name === "worker-1"));
}));

test("adopts an existing Node without overwriting users' labels, taints or pod CIDR", () => withApi(async (api, signal, start) => {
  const nodes = api.client.resource(R.nodes);
  await nodes.create({
    metadata: { name: "worker-1", labels: { "kubernetes.io/hostname": "custom", team: "a" } },
    spec: { podCIDR: "10.99.0.0/24", podCIDRs: ["10.99.0.0/24"], taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] },
  });
  await start(options(api, signal, { podCidr: "10.42.1.0/24" }));
  const node = await nodes.get(undefined, "worker-1");
  assert.equal(node.metadata!.labels!["kubernetes.io/hostname"], "custom");
  assert.equal(node.metadata!.labels!.team, "a");
  assert.equal(node.metadata!.labels!["kubernetes.io/arch"], process.arch === "x64" ? "amd64" : process.arch);
  assert.deepEqual(node.spec!.taints, [{ key: "dedicated", value: "db", effect: "NoSchedule" }]);
  assert.equal(node.spec!.podCIDR, "10.99.0.0/24");
  assert.equal(readyStatus(node), "True");
}));

test("turns Ready within about a second of the runtime; posts only changes until the report is due", () => withApi(async (api, signal, start) => {
  let runtime: RuntimeState = { ...READY_RUNTIME, networkReady: false, message: "cni plugin not initialized" };
  const { registered } = await start(options(api, signal, { runtime: async () => runtime, statusSyncIntervalMs: 200 }));
  const ready = registered.status!.conditions!.find((c) => c.type === "Ready")!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ["False", "KubeletNotReady", "container runtime network not ready: cni plugin not initialized"]);
  runtime = READY_RUNTIME;
  const flipped = Date.now();
  const nodes = api.client.resource(R.nodes);
  const node = await until("Ready", async () => {
    const n = await nodes.get(undefined, "worker-1");
    return readyStatus(n) === "True" ? n : undefined;
  });
  assert.ok(Date.now() - flipped < 2000);
  // Unchanged status is not written again (report interval 5 min).
  await sleep(700);
  assert.equal((await nodes.get(undefined, "worker-1")).metadata!.resourceVersion, node.metadata!.resourceVersion);
}));

test("an unchanged status is reported again once the report interval passes", () => withApi(async (api, signal, start) => {
  const nodes = api.client.resource(R.nodes);
  const { registered } = await start(options(api, signal, { statusSyncIntervalMs: 100, statusReportIntervalMs: 1000 }));
  const heartbeat = (n: Node) => n.status!.conditions!.find((c) => c.type === "Ready")!.lastHeartbeatTime;
  const reported = await until("a second report", async () => {
    const n = await nodes.get(undefined, "worker-1");
    return heartbeat(n) !== heartbeat(registered) ? n : undefined;
  }, 4000);
  assert.equal(reported.status!.conditions!.find((c) => c.type === "Ready")!.lastTransitionTime, heartbeat(registered));
}));

test("a deleted Node is registered again", () => withApi(async (api, signal, start) => {
  const nodes = api.client.resource(R.nodes);
  const { registered } = await start(options(api, signal, { statusSyncIntervalMs: 200, renewIntervalMs: 200 }));
  await nodes.delete(undefined, "worker-1");
  const again = await until("the Node back", async () => {
    try {
      const n = await nodes.get(undefined, "worker-1");
      return n.metadata!.uid !== registered.metadata!.uid ? n : undefined;
    } catch {
      return undefined;
    }
  });
  assert.equal(readyStatus(again), "True");
  await until("the Lease owned by the new Node", async () => {
    try {
      const l = await api.client.resource(R.leases).get("kube-node-lease", "worker-1");
      return l.metadata!.ownerReferences?.some((r) => r.uid === again.metadata!.uid) ? l : undefined;
    } catch {
      return undefined;
    }
  });
}));

test("keeps trying while the API is away and stops on the signal", () => withApi(async (api, signal) => {
  let down = true;
  const flaky: Transport = {
    request: (req) => (down ? Promise.reject(new Error("connect ECONNREFUSED")) : api.client.transport.request(req)),
    close: () => undefined,
  };
  const stop = new AbortController();
  const starting = startNodeAgentStatus(options(api, AbortSignal.any([signal, stop.signal]), { client: new Client(flaky), renewIntervalMs: 100 }));
  await sleep(700);
  down = false;
  const { done } = await starting;
  assert.equal(readyStatus(await api.client.resource(R.nodes).get(undefined, "worker-1")), "True");
  stop.abort();
  await done;
}));

test("aborting before registration rejects", () => withApi(async (api) => {
  const abort = new AbortController();
  const down: Transport = { request: () => Promise.reject(new Error("down")), close: () => undefined };
  const starting = startNodeAgentStatus(options(api, abort.signal, { client: new Client(down) }));
  setTimeout(() => abort.abort(), 100);
  await assert.rejects(starting, { name: "AbortError" });
}));
