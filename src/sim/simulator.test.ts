// The simulator against an in-process API server, with short intervals: what the e2e test cannot wait for or
// arrange (a Ready condition overwritten, a Node deleted, finalizers, address reuse, a restart's pod addresses).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { startTestApi } from "../../test/support/api-server.ts";
import { eventually } from "../../test/support/controllers.ts";
import { R } from "../client/resources.ts";
import { runSimulator } from "./simulator.ts";
import type { SimOptions } from "./options.ts";

const options: SimOptions = {
  nodeCount: 2,
  namePrefix: "t-",
  resources: { cpu: "4", memory: "8Gi", pods: "110", "ephemeral-storage": "10Gi" },
  extraLabels: {},
  leaseDurationSeconds: 40,
  leaseRenewIntervalMs: 300,
  statusReportIntervalMs: 60_000,
  registrationWorkers: 4,
  heartbeatWorkers: 4,
  podWorkers: 4,
  podWriteQps: 1000,
};

const pod = (name: string, extra: Partial<Pod["spec"]> = {}, finalizers?: string[]): Pod => ({
  metadata: { name, namespace: "default", ...(finalizers ? { finalizers } : {}) },
  spec: { nodeName: "t-0", containers: [{ name: "c", image: "x" }], ...extra },
});

test("the simulator keeps status, leases, pods and addresses right through outside changes and a restart", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const nodes = api.client.resource(R.nodes);
  const pods = api.client.resource(R.pods);
  let abort = new AbortController();
  const clients = { watches: api.client, nodes: api.client, pods: api.client };
  let running = runSimulator(clients, options, abort.signal);
  t.after(() => abort.abort());
  const readyOf = async (name: string) => (await nodes.get(undefined, name)).status?.conditions?.find((c) => c.type === "Ready");
  await eventually(async () => (await readyOf("t-1"))?.status === "True", 5000, "t-1 Ready");

  // Someone (the node lifecycle controller) marks the node Unknown: the next heartbeat reports Ready again.
  const node = await nodes.get(undefined, "t-0");
  await nodes.updateStatus({ ...node, status: { ...node.status, conditions: node.status!.conditions!.map((c) => (c.type === "Ready" ? { ...c, status: "Unknown", reason: "NodeStatusUnknown" } : c)) } });
  await eventually(async () => (await readyOf("t-0"))?.status === "True", 5000, "t-0 Ready again");

  // Pods get distinct addresses; a host-network pod gets the node's; a freed address is not reused at once.
  await pods.create(pod("a"));
  await pods.create(pod("b"));
  await pods.create(pod("h", { hostNetwork: true }));
  const ipOf = (name: string) => eventually(async () => (await pods.get("default", name)).status?.podIP, 5000, `${name}'s IP`);
  const [a, b, h] = [await ipOf("a"), await ipOf("b"), await ipOf("h")];
  assert.equal(h, "198.18.0.1");
  assert.ok(a.startsWith("10.64.0.") && b.startsWith("10.64.0.") && a !== b, `${a} ${b}`);
  await pods.delete("default", "a");
  await eventually(async () => (await pods.list({ namespace: "default" })).items.every((p) => p.metadata!.name !== "a"), 5000, "a deleted");
  await pods.create(pod("c"));
  const c = await ipOf("c");
  assert.ok(![a, b].includes(c), `c got ${c}`);

  // A pod held by a finalizer shows its containers exited once deleted.
  await pods.create(pod("f", {}, ["example.com/hold"]));
  await ipOf("f");
  await pods.delete("default", "f");
  const f = await eventually(async () => {
    const p = await pods.get("default", "f");
    return p.status?.phase === "Succeeded" ? p : undefined;
  }, 5000, "f Succeeded");
  assert.equal(f.status!.containerStatuses![0]!.state!.terminated!.exitCode, 0);
  await pods.patch("default", "f", { metadata: { finalizers: null } });

  // A restart keeps every running pod's address and writes nothing for them.
  const before = (await pods.list({ namespace: "default" })).items.map((p) => `${p.metadata!.name}=${p.status!.podIP}@${p.metadata!.resourceVersion}`).sort();
  abort.abort();
  await running;
  abort = new AbortController();
  running = runSimulator(clients, options, abort.signal);
  await pods.create(pod("d"));
  const d = await ipOf("d");
  assert.ok(![b, c, h].includes(d), `d got ${d}`);
  const after = (await pods.list({ namespace: "default" })).items.filter((p) => p.metadata!.name !== "d").map((p) => `${p.metadata!.name}=${p.status!.podIP}@${p.metadata!.resourceVersion}`).sort();
  assert.deepEqual(after, before);

  // A deleted Node is left alone: no Lease renewed for it, not registered again.
  await nodes.delete(undefined, "t-1");
  await api.client.resource(R.leases).delete("kube-node-lease", "t-1");
  await new Promise((r) => setTimeout(r, 3 * options.leaseRenewIntervalMs));
  assert.deepEqual((await nodes.list()).items.map((n) => n.metadata!.name), ["t-0"]);
  assert.deepEqual((await api.client.resource(R.leases).list({ namespace: "kube-node-lease" })).items.map((l) => l.metadata!.name), ["t-0"]);
  abort.abort();
  await running;
});
