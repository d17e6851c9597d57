import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1";
import { DisruptionTracker, zoneKey, zoneState } from "./disruption.ts";
import { reconcileTaints } from "./taints.ts";

const node = (name: string, labels: Record<string, string> = {}): Node => ({ metadata: { name, labels } });

test("zone keys join region and zone; nodes with neither share the empty zone", () => {
  assert.equal(zoneKey(node("n")), "");
  assert.equal(zoneKey(node("n", { "topology.kubernetes.io/region": "r", "topology.kubernetes.io/zone": "z" })), "r:\u0000:z");
  assert.equal(zoneKey(node("n", { "failure-domain.beta.kubernetes.io/zone": "z" })), ":\u0000:z");
  assert.notEqual(zoneKey(node("n", { "topology.kubernetes.io/zone": "z" })), zoneKey(node("n", { "topology.kubernetes.io/region": "z" })));
});

test("zone state: full with no Ready node, partial past two not-Ready nodes and 55%, normal otherwise", () => {
  assert.equal(zoneState(0, 1), "FullDisruption");
  assert.equal(zoneState(1, 0), "Normal");
  assert.equal(zoneState(1, 2), "Normal");
  assert.equal(zoneState(2, 3), "PartialDisruption");
  assert.equal(zoneState(3, 3), "Normal");
});

test("master disruption only when every zone is in full disruption; excluded nodes do not count", () => {
  const d = new DisruptionTracker();
  const a1 = node("a1", { "topology.kubernetes.io/zone": "a" });
  const b1 = node("b1", { "topology.kubernetes.io/zone": "b" });
  d.set(a1, true);
  d.set(b1, true);
  assert.equal(d.judge()?.master, false);
  assert.equal(d.judge(), undefined, "no change, no news");
  d.set(b1, false);
  assert.deepEqual(d.judge(), { master: false, masterChanged: false, zones: new Map([[zoneKey(b1), "FullDisruption"]]) });
  d.set(a1, false);
  assert.deepEqual(d.judge(), { master: true, masterChanged: true, zones: new Map([[zoneKey(a1), "FullDisruption"]]) });
  // A Ready node excluded from disruption checks does not end it; counted, it does.
  const c1 = node("c1", { "node.kubernetes.io/exclude-disruption": "" });
  d.set(c1, true);
  assert.equal(d.judge(), undefined);
  d.set(node("c1"), true);
  assert.deepEqual(d.judge(), { master: false, masterChanged: true, zones: new Map([["", "Normal"]]) });
  d.remove("c1");
  assert.deepEqual(d.judge(), { master: true, masterChanged: true, zones: new Map([["", "Gone"]]) });
  d.remove("a1");
  d.remove("b1");
  assert.equal(d.judge()?.master, false, "no nodes is no disruption");
});

test("without NoExecute, only the NoSchedule taint is kept and NoExecute ones of ours go", () => {
  const now = new Date("2024-01-01T00:00:00Z");
  const other = { key: "x", effect: "NoExecute" };
  const tainted = reconcileTaints([other], "Unknown", now)!;
  assert.deepEqual(reconcileTaints(tainted, "Unknown", now, false)!.map((t) => `${t.key}:${t.effect}`), ["x:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
  assert.deepEqual(reconcileTaints(tainted, "False", now, false)!.map((t) => `${t.key}:${t.effect}`), ["x:NoExecute", "node.kubernetes.io/not-ready:NoSchedule"]);
  assert.equal(reconcileTaints(reconcileTaints([other], "Unknown", now, false)!, "Unknown", now, false), undefined);
});
