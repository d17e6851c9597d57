import { test } from "node:test";
import assert from "node:assert/strict";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { CycleState } from "../cycle-state.ts";
import { Code } from "../status.ts";
import { testFramework } from "../testing/framework.ts";
import { makeNode, makePod, podInfo } from "../testing/fixtures.ts";
import { Placer } from "../placement.ts";
import type { Diagnosis, Handle, PostFilterPlugin } from "../plugin.ts";
import { moreImportant, pickCandidate, splitByPdbViolation } from "./default-preemption.ts";
import type { Candidate } from "./default-preemption.ts";
import type { HandleBase } from "../framework.ts";

const pod = (name: string, o: Parameters<typeof makePod>[1] = {}) => podInfo(makePod(name, o));

/** Runs a pod through placement and, when nothing fits, the PostFilter (evictions are stubbed out). */
function preempt(setup: (t: ReturnType<typeof testFramework>) => void, incoming: ReturnType<typeof pod>, handle: Partial<HandleBase> = {}) {
  const deleted: string[] = [];
  const client = { resource: () => ({ patch: async () => ({}), delete: async (_ns: string, name: string) => { deleted.push(name); return {}; } }) };
  const t = testFramework({}, [], { client: client as unknown as Handle["client"], random: () => 0, ...handle });
  setup(t);
  const state = new CycleState();
  const r = new Placer(t.cache, t.nominator).schedulePod(t.fwk, state, incoming);
  assert.equal(r.ok, false, "the pod must not fit before preemption");
  const diagnosis = (r as { diagnosis: Diagnosis }).diagnosis;
  const post = (t.fwk.plugins.get("DefaultPreemption") as PostFilterPlugin).postFilter(state, incoming, diagnosis);
  return { post, deleted };
}

test("the fewest, least important victims on the cheapest node are chosen", async () => {
  const started = (name: string, priority: number, startTime: string) => podInfo({ ...makePod(name, { cpu: "1", priority }), status: { startTime } });
  const { post, deleted } = preempt(({ cache }) => {
    cache.setNode(makeNode("a", { cpu: "2" }));
    cache.setNode(makeNode("b", { cpu: "2" }));
    cache.setNode(makeNode("c", { cpu: "2" }));
    // a and b each need one priority-10 victim (a-mid is reprieved); c would lose a priority-20 pod.
    cache.setPod(started("a-low", 10, "2024-06-01T00:00:00Z"), "a");
    cache.setPod(started("a-mid", 50, "2024-01-01T00:00:00Z"), "a");
    cache.setPod(started("b-low", 10, "2024-01-01T00:00:00Z"), "b");
    cache.setPod(started("b-high", 1000, "2024-01-01T00:00:00Z"), "b");
    cache.setPod(started("c-1", 20, "2024-01-01T00:00:00Z"), "c");
    cache.setPod(started("c-2", 1000, "2024-01-01T00:00:00Z"), "c");
  }, pod("vip", { cpu: "1", priority: 100 }));
  assert.equal(post.status.code, Code.Success);
  // a and b tie on everything but start time: evicting a's more recently started victim loses less work.
  assert.equal(post.nominatedNodeName, "a");
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(deleted, ["a-low"]);
});

test("higher or equal priority pods are never victims; no victims means preemption cannot help", () => {
  const { post } = preempt(({ cache }) => {
    cache.setNode(makeNode("a", { cpu: "1" }));
    cache.setPod(pod("peer", { cpu: "1", priority: 100 }), "a");
  }, pod("p", { cpu: "1", priority: 100 }));
  assert.equal(post.status.code, Code.Unschedulable);
  assert.deepEqual(post.status.reasons, ["preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."]);
  assert.equal(post.nominatedNodeName, "");
});

test("nodes rejected as unresolvable are not considered", () => {
  const { post } = preempt(({ cache }) => {
    cache.setNode(makeNode("tainted", { cpu: "1", taints: [{ key: "k", effect: "NoSchedule" }] }));
    cache.setPod(pod("low", { cpu: "1", priority: 1 }), "tainted");
  }, pod("p", { cpu: "1", priority: 100 }));
  assert.deepEqual(post.status.reasons, ["preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."]);
});

test("preemptionPolicy Never opts out", () => {
  const { post } = preempt(({ cache }) => {
    cache.setNode(makeNode("a", { cpu: "1" }));
    cache.setPod(pod("low", { cpu: "1", priority: 1 }), "a");
  }, pod("p", { cpu: "1", priority: 100, spec: { preemptionPolicy: "Never" } }));
  assert.deepEqual(post.status.reasons, ["preemption: not eligible due to preemptionPolicy=Never."]);
});

test("victims are reprieved when the pod fits without them", () => {
  const { post, deleted } = preempt(({ cache }) => {
    cache.setNode(makeNode("a", { cpu: "4" }));
    for (const [n, p] of [["l1", 1], ["l2", 2], ["l3", 3], ["l4", 4]] as const) cache.setPod(pod(n, { cpu: "1", priority: p }), "a");
  }, pod("p", { cpu: "2", priority: 100 }));
  assert.equal(post.nominatedNodeName, "a");
  return new Promise<void>((r) => setImmediate(() => {
    assert.deepEqual(deleted.sort(), ["l1", "l2"]);
    r();
  }));
});

test("PodDisruptionBudgets: victims that would exceed a budget are spared first", () => {
  const pdb = (allowed: number): PodDisruptionBudget => ({ metadata: { name: "pdb", namespace: "default" }, spec: { selector: { matchLabels: { app: "db" } } }, status: { disruptionsAllowed: allowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } });
  const db = (n: string, p: number) => pod(n, { priority: p, labels: { app: "db" } });
  const { violating, nonViolating } = splitByPdbViolation([db("d1", 5), db("d2", 4), pod("x", { priority: 1, labels: { app: "web" } })], [pdb(1)]);
  assert.deepEqual(violating.map((p) => p.name), ["d2"]);
  assert.deepEqual(nonViolating.map((p) => p.name), ["d1", "x"]);
  // Across nodes: a node whose eviction respects the budget wins over one that breaks it.
  const { post } = preempt(({ cache }) => {
    cache.setNode(makeNode("guarded", { cpu: "1" }));
    cache.setNode(makeNode("free", { cpu: "1" }));
    cache.setPod(db("db-0", 1), "guarded");
    cache.setPod(pod("web-0", { cpu: "1", priority: 50 }), "free");
    cache.setPod(pod("db-filler", { cpu: "1", priority: 1, labels: { app: "db" } }), "guarded");
  }, pod("p", { cpu: "1", priority: 100 }), { podDisruptionBudgets: () => [pdb(0)] });
  assert.equal(post.nominatedNodeName, "free");
});

test("candidate choice: PDB violations, then highest victim priority, sum, count, start time", () => {
  const v = (name: string, priority: number, started?: string) => podInfo({ ...makePod(name, { priority }), status: started ? { startTime: started } : {} });
  const c = (node: string, victims: ReturnType<typeof v>[], pdbViolations = 0): Candidate => ({ node, victims, pdbViolations });
  assert.equal(pickCandidate([c("a", [v("x", 1)], 1), c("b", [v("y", 50)])]).node, "b");
  assert.equal(pickCandidate([c("a", [v("x", 10)]), c("b", [v("y", 5), v("z", 5)])]).node, "b");
  assert.equal(pickCandidate([c("a", [v("x", 5), v("w", 4)]), c("b", [v("y", 5), v("z", 1)])]).node, "b");
  assert.equal(pickCandidate([c("a", [v("x", 5), v("w", 0)]), c("b", [v("y", 5)])]).node, "b");
  assert.equal(pickCandidate([c("a", [v("x", 5, "2024-01-01T00:00:00Z")]), c("b", [v("y", 5, "2024-06-01T00:00:00Z")])]).node, "b");
  assert.ok(moreImportant(v("a", 2), v("b", 1)));
  assert.ok(moreImportant(v("a", 1, "2024-01-01T00:00:00Z"), v("b", 1, "2024-02-01T00:00:00Z")));
});
