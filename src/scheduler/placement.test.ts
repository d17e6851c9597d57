import { test } from "node:test";
import assert from "node:assert/strict";
import { Placer } from "./placement.ts";
import { CycleState } from "./cycle-state.ts";
import { testFramework } from "./testing/framework.ts";
import { makeNode, makePod, podInfo } from "./testing/fixtures.ts";
import type { FilterPlugin } from "./plugin.ts";
import { SUCCESS } from "./status.ts";

test("large clusters: filtering stops at the sample size and the next pod starts where it stopped", () => {
  const seen: string[] = [];
  const spy: FilterPlugin = { name: "Spy", filter(_s, _p, n) { seen.push(n.name); return SUCCESS; } };
  const { fwk, cache, nominator } = testFramework({ profiles: [{ plugins: { filter: { enabled: [{ name: "Spy" }] } } }] }, [["Spy", () => spy]]);
  for (let i = 0; i < 1000; i++) cache.setNode(makeNode(`n${i}`));
  const placer = new Placer(cache, nominator, () => 0.5);
  assert.ok(placer.schedulePod(fwk, new CycleState(), podInfo(makePod("a", { cpu: "100m" }))).ok);
  assert.equal(seen.length, 420);
  assert.equal(seen[0], "n0");
  seen.length = 0;
  placer.schedulePod(fwk, new CycleState(), podInfo(makePod("b", { cpu: "100m" })));
  assert.equal(seen[0], "n420");
});

test("the least allocated node wins and a full cluster explains itself", () => {
  const { fwk, cache, nominator } = testFramework();
  cache.setNode(makeNode("busy", { cpu: "4" }));
  cache.setNode(makeNode("idle", { cpu: "4" }));
  cache.setPod(podInfo(makePod("x", { cpu: "3", nodeName: "busy" })), "busy");
  const placer = new Placer(cache, nominator);
  assert.deepEqual(placer.schedulePod(fwk, new CycleState(), podInfo(makePod("p", { cpu: "500m", memory: "1Gi" }))), { ok: true, node: "idle" });
  const r = placer.schedulePod(fwk, new CycleState(), podInfo(makePod("huge", { cpu: "5" })));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.status.reasons[0], "0/2 nodes are available: 2 Insufficient cpu.");
  assert.deepEqual(!r.ok && [...r.diagnosis!.unschedulablePlugins], ["NodeResourcesFit"]);
});

test("a pod nominated to a node is placed there if it fits, without scoring others", () => {
  const { fwk, cache, nominator } = testFramework();
  cache.setNode(makeNode("a"));
  cache.setNode(makeNode("b"));
  cache.setPod(podInfo(makePod("x", { cpu: "3", nodeName: "b" })), "b");
  const pod = { ...makePod("p", { cpu: "500m" }), status: { nominatedNodeName: "b" } };
  assert.deepEqual(new Placer(cache, nominator).schedulePod(fwk, new CycleState(), podInfo(pod)), { ok: true, node: "b" });
});

test("room held for a higher-priority nominated pod is not given away", () => {
  const { fwk, cache, nominator } = testFramework();
  cache.setNode(makeNode("a", { cpu: "1" }));
  nominator.set(podInfo(makePod("vip", { cpu: "800m", priority: 100 })), "a");
  const placer = new Placer(cache, nominator);
  const low = placer.schedulePod(fwk, new CycleState(), podInfo(makePod("low", { cpu: "500m", priority: 1 })));
  assert.equal(low.ok, false);
  const higher = placer.schedulePod(fwk, new CycleState(), podInfo(makePod("higher", { cpu: "500m", priority: 1000 })));
  assert.deepEqual(higher, { ok: true, node: "a" });
});

test("no nodes at all is an error, not a verdict on the pod", () => {
  const { fwk, cache, nominator } = testFramework();
  const r = new Placer(cache, nominator).schedulePod(fwk, new CycleState(), podInfo(makePod("p")));
  assert.equal(!r.ok && r.status.code, "Error");
});

test("a pod pinned to nodes that do not exist fails cleanly and later pods are unaffected", () => {
  const { fwk, cache, nominator } = testFramework();
  cache.setNode(makeNode("real"));
  const placer = new Placer(cache, nominator);
  const ghost = podInfo(makePod("ghost", { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["gone"] }] }] } } } } }));
  const r = placer.schedulePod(fwk, new CycleState(), ghost);
  assert.equal(!r.ok && r.status.reasons[0], "0/1 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  assert.deepEqual(placer.schedulePod(fwk, new CycleState(), podInfo(makePod("next"))), { ok: true, node: "real" });
});
