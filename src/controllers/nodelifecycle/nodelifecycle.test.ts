import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1";
import { runControllers, eventually } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import type { Client } from "../../client/rest-client.ts";
import { nodeLifecycleController } from "./index.ts";
import { createPod, createReadyNode, renewLease, setNodeReady, setPodRunning } from "../endpoints/test-fixtures.ts";

const taintsOf = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const condition = (n: Node, type: string) => n.status?.conditions?.find((c) => c.type === type);

/** Renews the node's Lease every 300 ms, as a kubelet would, until stopped. */
function heartbeat(c: Client, node: string): { stop(): void } {
  const timer = setInterval(() => void renewLease(c, node).catch(() => undefined), 300);
  return { stop: () => clearInterval(timer) };
}

test("a node whose Lease stops being renewed turns Unknown and unreachable; renewed and Ready again, the taints go", async (t) => {
  const h = await runControllers([nodeLifecycleController({ gracePeriodMs: 1500 })]);
  const beats: { stop(): void }[] = [];
  t.after(async () => { for (const b of beats) b.stop(); await h.close(); });
  const c = h.api.client;
  const nodes = c.resource(R.nodes);
  for (const name of ["healthy", "silent", "sick"]) {
    await createReadyNode(c, name, { keep: "me" });
    await renewLease(c, name);
  }
  await nodes.patch(undefined, "silent", { spec: { taints: [{ key: "example.com/other", effect: "NoSchedule" }] } });
  beats.push(heartbeat(c, "healthy"), heartbeat(c, "sick"));
  const silentBeat = heartbeat(c, "silent");
  // A pod that tolerates unreachability forever stays to show its readiness being withdrawn.
  await createPod(c, "p", { nodeName: "silent", tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }] });
  await setPodRunning(c, "p", "10.1.0.1", true);
  // The kubelet on "sick" reports it not ready.
  await setNodeReady(c, "sick", "False");

  const sick = await eventually(async () => { const n = await nodes.get(undefined, "sick"); return taintsOf(n).length === 2 ? n : undefined; }, 5000, "sick tainted");
  assert.deepEqual(taintsOf(sick), ["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/not-ready:NoSchedule"]);
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(taintsOf(await nodes.get(undefined, "silent")), ["example.com/other:NoSchedule"], "a renewing node keeps its status within the grace period");

  silentBeat.stop();
  const stoppedAt = Date.now();
  const silent = await eventually(async () => {
    const n = await nodes.get(undefined, "silent");
    return condition(n, "Ready")?.status === "Unknown" && taintsOf(n).length === 3 ? n : undefined;
  }, 6000, "silent node unreachable");
  assert.ok(Date.now() - stoppedAt >= 1000, "not before the grace period");
  const ready = condition(silent, "Ready")!;
  assert.equal(ready.reason, "NodeStatusUnknown");
  assert.equal(ready.message, "Kubelet stopped posting node status.");
  for (const type of ["MemoryPressure", "DiskPressure", "PIDPressure"]) assert.equal(condition(silent, type)?.status, "Unknown", type);
  assert.deepEqual(taintsOf(silent), ["example.com/other:NoSchedule", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
  assert.ok(silent.spec!.taints!.find((x) => x.effect === "NoExecute")!.timeAdded);
  assert.equal(silent.metadata?.labels?.keep, "me");
  await eventually(async () => (await c.resource(R.pods).get("default", "p")).status?.conditions?.find((x) => x.type === "Ready")?.status === "False", 5000, "pod marked not ready");

  const healthy = await nodes.get(undefined, "healthy");
  assert.equal(condition(healthy, "Ready")?.status, "True");
  assert.deepEqual(taintsOf(healthy), []);

  // The kubelet comes back: Lease renewed and Ready posted.
  beats.push(heartbeat(c, "silent"));
  await setNodeReady(c, "silent", "True");
  await setNodeReady(c, "sick", "True");
  await eventually(async () => taintsOf(await nodes.get(undefined, "silent")).join() === "example.com/other:NoSchedule", 5000, "silent untainted");
  await eventually(async () => taintsOf(await nodes.get(undefined, "sick")).length === 0, 5000, "sick untainted");
});

test("taint eviction: intolerant pods go at once, tolerating pods after tolerationSeconds, forever-tolerating pods stay", async (t) => {
  const h = await runControllers([nodeLifecycleController({ gracePeriodMs: 60_000 })]);
  t.after(() => h.close());
  const c = h.api.client;
  const pods = c.resource(R.pods);
  await createReadyNode(c, "n1");
  const drain = { key: "example.com/drain", effect: "NoExecute" };
  await createPod(c, "intolerant", { nodeName: "n1" });
  await createPod(c, "patient", { nodeName: "n1", tolerations: [{ ...drain, operator: "Exists", tolerationSeconds: 2 }] });
  await createPod(c, "forever", { nodeName: "n1", tolerations: [{ ...drain, operator: "Exists" }] });
  await createPod(c, "elsewhere", { nodeName: "n2" });

  const taintedAt = Date.now();
  await c.resource(R.nodes).patch(undefined, "n1", { spec: { taints: [{ ...drain, timeAdded: new Date().toISOString().replace(/\.\d+Z$/, "Z") }] } });
  const terminating = async (name: string) => !!(await pods.get("default", name)).metadata?.deletionTimestamp;

  await eventually(() => terminating("intolerant"), 5000, "intolerant evicted");
  const evicted = await pods.get("default", "intolerant");
  assert.equal(evicted.status?.conditions?.find((x) => x.type === "DisruptionTarget")?.reason, "DeletionByTaintManager");
  assert.equal(await terminating("patient"), false, "patient tolerates it for now");
  const events = await eventually(async () => {
    const list = (await c.resource(R.events).list({ namespace: "default" })).items.filter((e) => e.reason === "TaintManagerEviction");
    return list.length ? list : undefined;
  }, 5000, "eviction event");
  assert.equal(events[0]!.message, "Marking for deletion Pod default/intolerant");
  assert.equal(events[0]!.involvedObject.name, "intolerant");

  await eventually(() => terminating("patient"), 6000, "patient evicted");
  // timeAdded has second precision: up to a second earlier than the patch.
  assert.ok(Date.now() - taintedAt >= 1000, "patient evicted only after its tolerationSeconds");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await terminating("forever"), false);
  assert.equal(await terminating("elsewhere"), false);
});

const noExecute = (n: Node) => taintsOf(n).filter((t) => t.endsWith(":NoExecute"));

test("a single-node cluster whose node goes silent: Unknown and unschedulable, but no NoExecute taint and no eviction", async (t) => {
  const h = await runControllers([nodeLifecycleController({ gracePeriodMs: 1000 })]);
  t.after(() => h.close());
  const c = h.api.client;
  const nodes = c.resource(R.nodes);
  const pods = c.resource(R.pods);
  await createReadyNode(c, "solo");
  await renewLease(c, "solo");
  await createPod(c, "intolerant", { nodeName: "solo" });
  await createPod(c, "patient", { nodeName: "solo", tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 }] });

  const solo = await eventually(async () => {
    const n = await nodes.get(undefined, "solo");
    return condition(n, "Ready")?.status === "Unknown" && taintsOf(n).includes("node.kubernetes.io/unreachable:NoSchedule") ? n : undefined;
  }, 6000, "node unreachable");
  assert.deepEqual(taintsOf(solo), ["node.kubernetes.io/unreachable:NoSchedule"]);
  // Longer than the patient pod's toleration (and the second-truncated timeAdded) would allow.
  await new Promise((r) => setTimeout(r, 2500));
  assert.deepEqual(taintsOf(await nodes.get(undefined, "solo")), ["node.kubernetes.io/unreachable:NoSchedule"]);
  for (const name of ["intolerant", "patient"]) assert.equal((await pods.get("default", name)).metadata?.deletionTimestamp, undefined, `${name} not evicted`);
});

test("zone disruption: all nodes silent in every zone means no NoExecute taints; one node back, the silent ones get them", async (t) => {
  const h = await runControllers([nodeLifecycleController({ gracePeriodMs: 1500 })]);
  let beat: { stop(): void } | undefined;
  t.after(async () => { beat?.stop(); await h.close(); });
  const c = h.api.client;
  const nodes = c.resource(R.nodes);
  const pods = c.resource(R.pods);
  const zoneOf = { a1: "a", a2: "a", b1: "b" } as const;
  for (const [name, zone] of Object.entries(zoneOf)) {
    await createReadyNode(c, name, { "topology.kubernetes.io/region": "r", "topology.kubernetes.io/zone": zone });
    await renewLease(c, name);
    // Nodes go silent a few ms apart, so one may be tainted for an instant before the last one is: tolerating the
    // taint for a few seconds rides that out, as the default 300 s tolerations do in a real cluster.
    await createPod(c, `on-${name}`, { nodeName: name, tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 3 }] });
  }
  // One timer renews every Lease, then stops: all nodes go silent together.
  const timer = setInterval(() => { for (const name of Object.keys(zoneOf)) void renewLease(c, name).catch(() => undefined); }, 300);
  beat = { stop: () => clearInterval(timer) };
  await new Promise((r) => setTimeout(r, 700));
  beat.stop();

  await eventually(async () => {
    for (const name of Object.keys(zoneOf)) {
      const n = await nodes.get(undefined, name);
      if (condition(n, "Ready")?.status !== "Unknown" || !taintsOf(n).includes("node.kubernetes.io/unreachable:NoSchedule")) return false;
    }
    return true;
  }, 6000, "all nodes unreachable");
  await new Promise((r) => setTimeout(r, 4500));
  for (const name of Object.keys(zoneOf)) {
    const n = await nodes.get(undefined, name);
    assert.deepEqual(taintsOf(n), ["node.kubernetes.io/unreachable:NoSchedule"], name);
    assert.equal((await pods.get("default", `on-${name}`)).metadata?.deletionTimestamp, undefined, `pod on ${name} not evicted`);
  }

  // a1 comes back: the cluster is out of master disruption, so the silent nodes get the NoExecute taint — b1 too,
  // though no node in its zone is Ready: as upstream, a zone wholly down is evacuated while others are healthy.
  beat = heartbeat(c, "a1");
  await setNodeReady(c, "a1", "True");
  for (const name of ["a2", "b1"]) {
    await eventually(async () => noExecute(await nodes.get(undefined, name)).join() === "node.kubernetes.io/unreachable:NoExecute", 5000, `${name} tainted NoExecute`);
  }
  await eventually(async () => taintsOf(await nodes.get(undefined, "a1")).length === 0, 5000, "a1 untainted");
  await eventually(async () => !!(await pods.get("default", "on-a2")).metadata?.deletionTimestamp, 6000, "pod on a2 evicted after its toleration");
  assert.equal((await pods.get("default", "on-a1")).metadata?.deletionTimestamp, undefined);
});
