// The scheduler against a real in-process API server: pods created through the API end up bound (or Pending
// with upstream's condition and event) as kube-scheduler would decide.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event, Pod } from "kubernetes-types/core/v1";
import { runControllers, eventually } from "../../test/support/controllers.ts";
import { R, resourceRef } from "../client/resources.ts";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { schedulerWith } from "./index.ts";
import { defaultSelector } from "./scheduler.ts";
import type { SchedulerWithOptions } from "./index.ts";
import type { FilterPlugin } from "./plugin.ts";
import { SUCCESS } from "./status.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNode, makeNode, makePod } from "./testing/fixtures.ts";

async function start(t: { after(fn: () => Promise<void>): void }, opts: SchedulerWithOptions = {}) {
  const h = await runControllers([schedulerWith(opts)]);
  t.after(() => h.close());
  const c = h.api.client;
  const pods = c.resource(R.pods);
  const nodeOf = async (name: string, ns = "default") => (await pods.get(ns, name)).spec?.nodeName;
  return { h, c, pods, nodeOf };
}

test("scheduler binds pods according to selectors, taints and capacity", async (t) => {
  const { c, pods, nodeOf } = await start(t);
  await createNode(c, makeNode("n1", { cpu: "2", labels: { disk: "ssd" } }));
  await createNode(c, makeNode("n2", { cpu: "2", taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] }));
  await createNode(c, makeNode("n3", { cpu: "2", unschedulable: true }));
  await createNode(c, makeNode("n4", { cpu: "1" }));

  await pods.create(makePod("ssd", { spec: { nodeSelector: { disk: "ssd" } } }));
  await pods.create(makePod("gpu", { spec: { tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["n2"] }] }] } } } } }));
  await pods.create(makePod("big", { cpu: "3" }));

  assert.equal(await eventually(() => nodeOf("ssd"), 10_000, "ssd bound"), "n1");
  assert.equal(await eventually(() => nodeOf("gpu"), 10_000, "gpu bound"), "n2");

  const pending = await eventually(async () => {
    const p = await pods.get("default", "big");
    return p.status?.conditions?.find((c) => c.type === "PodScheduled") ? p : undefined;
  }, 10_000, "big marked unschedulable") as Pod;
  const cond = pending.status!.conditions!.find((c) => c.type === "PodScheduled")!;
  assert.equal(pending.spec?.nodeName, undefined);
  assert.equal(cond.status, "False");
  assert.equal(cond.reason, "Unschedulable");
  const expected = "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 2 Insufficient cpu. " +
    "preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod.";
  assert.equal(cond.message, expected);
  const events = await eventually(async () => {
    const list = await c.resource(R.events).list({ namespace: "default" });
    return list.items.filter((e: Event) => e.involvedObject.name === "big" && e.reason === "FailedScheduling").at(0);
  }, 5_000, "FailedScheduling event");
  assert.equal(events.type, "Warning");
  assert.equal(events.message, expected);
  const scheduled = (await c.resource(R.events).list({ namespace: "default" })).items.find((e: Event) => e.involvedObject.name === "ssd" && e.reason === "Scheduled");
  assert.equal(scheduled?.message, "Successfully assigned default/ssd to n1");
});

test("a cordoned node takes pods once uncordoned; a removed taint lets pods in", async (t) => {
  const { c, pods, nodeOf } = await start(t);
  await createNode(c, makeNode("cordoned", { unschedulable: true }));
  await createNode(c, makeNode("tainted", { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] }));
  await pods.create(makePod("waits", { cpu: "100m" }));
  const reason = await eventually(async () => (await pods.get("default", "waits")).status?.conditions?.find((x) => x.type === "PodScheduled")?.message, 10_000, "unschedulable condition");
  assert.equal(reason, "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. " +
    "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
  await c.resource(R.nodes).patch(undefined, "cordoned", { spec: { unschedulable: false } });
  assert.equal(await eventually(() => nodeOf("waits"), 10_000, "bound after uncordon"), "cordoned");

  await c.resource(R.nodes).patch(undefined, "cordoned", { spec: { unschedulable: true } });
  await pods.create(makePod("second", { cpu: "100m" }));
  await eventually(async () => (await pods.get("default", "second")).status?.conditions?.find((x) => x.type === "PodScheduled"), 10_000, "second unschedulable");
  await c.resource(R.nodes).patch(undefined, "tainted", { spec: { taints: [] } });
  assert.equal(await eventually(() => nodeOf("second"), 10_000, "bound after the taint is removed"), "tainted");
});

test("pods for other schedulers are left alone", async (t) => {
  const { c, pods, nodeOf } = await start(t);
  await createNode(c, makeNode("n1"));
  await pods.create(makePod("other", { spec: { schedulerName: "someone-else" } }));
  await pods.create(makePod("mine"));
  assert.equal(await eventually(() => nodeOf("mine"), 10_000, "mine bound"), "n1");
  const other = await pods.get("default", "other");
  assert.equal(other.spec?.nodeName, undefined);
  assert.equal(other.status?.conditions?.find((x) => x.type === "PodScheduled"), undefined);
});

test("required anti-affinity on the hostname spreads replicas one per node", async (t) => {
  const { c, pods } = await start(t);
  for (const n of ["n1", "n2", "n3"]) await createNode(c, makeNode(n));
  const replica = (name: string) => makePod(name, {
    labels: { app: "web" },
    spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "web" } } }] } } },
  });
  for (const name of ["web-1", "web-2", "web-3", "web-4"]) await pods.create(replica(name));
  const placed = await eventually(async () => {
    const list = (await pods.list({ namespace: "default" })).items;
    const bound = list.filter((p) => p.spec?.nodeName);
    const pending = list.find((p) => p.status?.conditions?.some((x) => x.type === "PodScheduled" && x.status === "False"));
    return bound.length === 3 && pending ? { bound, pending } : undefined;
  }, 10_000, "three bound, one pending");
  assert.deepEqual(placed.bound.map((p) => p.spec!.nodeName).sort(), ["n1", "n2", "n3"]);
  assert.match(placed.pending.status!.conditions!.find((x) => x.type === "PodScheduled")!.message!, /^0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules\./);
});

test("a zone topology spread constraint spreads pods evenly over zones", async (t) => {
  const { c, pods } = await start(t);
  for (const [n, z] of [["a1", "a"], ["a2", "a"], ["b1", "b"], ["b2", "b"], ["c1", "c"], ["c2", "c"]]) {
    await createNode(c, makeNode(n!, { labels: { "topology.kubernetes.io/zone": z! } }));
  }
  // Two replicas already sit in zone a.
  for (const [name, node] of [["old-1", "a1"], ["old-2", "a2"]]) await pods.create(makePod(name!, { labels: { app: "db" }, nodeName: node }));
  const spreadPod = (name: string) => makePod(name, {
    labels: { app: "db" },
    spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "db" } } }] },
  });
  for (let i = 0; i < 4; i++) await pods.create(spreadPod(`db-${i}`));
  const zones = await eventually(async () => {
    const list = (await pods.list({ namespace: "default" })).items;
    if (list.some((p) => !p.spec?.nodeName)) return undefined;
    const perZone: Record<string, number> = {};
    for (const p of list) perZone[p.spec!.nodeName![0]!] = (perZone[p.spec!.nodeName![0]!] ?? 0) + 1;
    return perZone;
  }, 10_000, "all bound");
  assert.deepEqual(zones, { a: 2, b: 2, c: 2 });
});

test("a high-priority pod preempts a low-priority one on a full node", async (t) => {
  const { c, pods, nodeOf } = await start(t);
  const classes = c.resource(resourceRef<PriorityClass>("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false));
  await classes.create({ metadata: { name: "low" }, value: 100 });
  await classes.create({ metadata: { name: "high" }, value: 1000 });
  // A pod takes its preemptionPolicy from its class (the Priority admission refuses a disagreeing one).
  await classes.create({ metadata: { name: "high-polite" }, value: 1000, preemptionPolicy: "Never" });
  await createNode(c, makeNode("only", { cpu: "1" }));
  // Stands in for the kubelet: pods being deleted from the node go away at once.
  const abort = new AbortController();
  t.after(() => abort.abort());
  void (async () => {
    while (!abort.signal.aborted) {
      for (const p of (await pods.list({ namespace: "default" }).catch(() => ({ items: [] as Pod[] }))).items) {
        if (p.metadata?.deletionTimestamp) await pods.delete("default", p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  await pods.create(makePod("low", { cpu: "800m", spec: { priorityClassName: "low" } }));
  assert.equal(await eventually(() => nodeOf("low"), 10_000, "low bound"), "only");
  await pods.create(makePod("polite", { cpu: "800m", spec: { priorityClassName: "high-polite" } }));
  const politeMsg = await eventually(async () => (await pods.get("default", "polite")).status?.conditions?.find((x) => x.type === "PodScheduled")?.message, 10_000, "polite pending");
  assert.equal(politeMsg, "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.");
  await pods.delete("default", "polite");

  await pods.create(makePod("high", { cpu: "800m", spec: { priorityClassName: "high" } }));
  const nominated = await eventually(async () => (await pods.get("default", "high")).status?.nominatedNodeName, 10_000, "high nominated");
  assert.equal(nominated, "only");
  assert.equal(await eventually(() => nodeOf("high"), 15_000, "high bound"), "only");
  await eventually(async () => !(await pods.list({ namespace: "default" })).items.some((p) => p.metadata?.name === "low"), 5_000, "low evicted");
  const preempted = (await c.resource(R.events).list({ namespace: "default" })).items.find((e: Event) => e.involvedObject.name === "low" && e.reason === "Preempted");
  assert.match(preempted?.message ?? "", /^Preempted by pod .+ on node only$/);
});

test("a plugin that throws fails the attempt as a scheduler error; the pod is retried after backoff", async (t) => {
  let calls = 0;
  const flaky: FilterPlugin = { name: "Flaky", filter() { if (calls++ === 0) throw new Error("flaky plugin broke"); return SUCCESS; } };
  const { c, pods, nodeOf } = await start(t, {
    plugins: new Map([["Flaky", () => flaky]]),
    config: { profiles: [{ plugins: { filter: { enabled: [{ name: "Flaky" }] } } }] },
  });
  await createNode(c, makeNode("n1"));
  await pods.create(makePod("p"));
  const cond = await eventually(async () => (await pods.get("default", "p")).status?.conditions?.find((x) => x.type === "PodScheduled"), 10_000, "error condition");
  assert.equal(cond.reason, "SchedulerError");
  assert.equal(cond.message, "flaky plugin broke");
  assert.equal(await eventually(() => nodeOf("p"), 10_000, "bound after backoff"), "n1");
});

test("a configuration file adds a bin-packing profile next to the default one", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "sched-cfg-"));
  t.after(() => rm(dir, { recursive: true }));
  const configFile = join(dir, "scheduler.yaml");
  await writeFile(configFile, [
    "apiVersion: kubescheduler.config.k8s.io/v1",
    "kind: KubeSchedulerConfiguration",
    "profiles:",
    "- schedulerName: default-scheduler",
    "- schedulerName: bin-packer",
    "  pluginConfig:",
    "  - name: NodeResourcesFit",
    "    args: {scoringStrategy: {type: MostAllocated}}",
    "  plugins:",
    "    score:",
    "      disabled: [{name: NodeResourcesBalancedAllocation}]",
  ].join("\n"));
  const { c, pods, nodeOf } = await start(t, { configFile });
  await createNode(c, makeNode("n1", { cpu: "4" }));
  await createNode(c, makeNode("n2", { cpu: "4" }));
  await pods.create(makePod("first", { cpu: "1", memory: "1Gi", spec: { schedulerName: "bin-packer" } }));
  const first = await eventually(() => nodeOf("first"), 10_000, "first bound");
  await pods.create(makePod("packed", { cpu: "1", memory: "1Gi", spec: { schedulerName: "bin-packer" } }));
  assert.equal(await eventually(() => nodeOf("packed"), 10_000, "packed bound"), first, "MostAllocated packs onto the used node");
  await pods.create(makePod("spread", { cpu: "1", memory: "1Gi" }));
  assert.notEqual(await eventually(() => nodeOf("spread"), 10_000, "spread bound"), first, "LeastAllocated prefers the empty node");
});

test("default spreading selects the pod's siblings through its Services and owning ReplicaSet", () => {
  const pod = makePod("web-abc", { labels: { app: "web", hash: "1" } });
  pod.metadata!.ownerReferences = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "u", controller: true }];
  const sel = defaultSelector(pod, {
    services: [{ spec: { selector: { app: "web" } } }, { spec: { selector: { app: "db" } } }],
    rs: (name) => (name === "web-1" ? { spec: { selector: { matchLabels: { hash: "1" } } } } : undefined),
    ss: () => undefined,
  })!;
  assert.ok(sel.matches({ app: "web", hash: "1", extra: "x" }));
  assert.ok(!sel.matches({ app: "web", hash: "2" }), "the ReplicaSet's selector applies too");
  assert.equal(defaultSelector(makePod("lonely"), { services: [], rs: () => undefined, ss: () => undefined }), undefined);
});
