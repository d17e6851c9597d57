import { test } from "node:test";
import assert from "node:assert/strict";
import type { BindPlugin, FilterPlugin, PermitPlugin, PreFilterPlugin, ScorePlugin } from "./plugin.ts";
import { CycleState } from "./cycle-state.ts";
import { Code, SKIP, SUCCESS, unresolvable, unschedulable } from "./status.ts";
import { testFramework } from "./testing/framework.ts";
import { makeNode, makePod, nodeInfo, podInfo } from "./testing/fixtures.ts";
import { Action } from "./cluster-event.ts";
import type { QueuedPodInfo } from "./queue.ts";

const only = (...enabled: string[]) => ({ profiles: [{ plugins: { multiPoint: { disabled: [{ name: "*" }], enabled: [{ name: "PrioritySort" }, { name: "DefaultBinder" }, ...enabled.map((name) => ({ name }))] } } }] });

test("filters run in order and the first rejection answers, naming its plugin", () => {
  const calls: string[] = [];
  const filter = (name: string, ok: boolean): FilterPlugin => ({ name, filter() { calls.push(name); return ok ? SUCCESS : unschedulable(`${name} says no`); } });
  const { fwk } = testFramework(only("A", "B", "C"), [["A", () => filter("A", true)], ["B", () => filter("B", false)], ["C", () => filter("C", false)]]);
  const s = fwk.runFilter(new CycleState(), podInfo(makePod("p")), nodeInfo(makeNode("n")));
  assert.equal(s.code, Code.Unschedulable);
  assert.equal(s.plugin, "B");
  assert.deepEqual(s.reasons, ["B says no"]);
  assert.deepEqual(calls, ["A", "B"]);
});

test("a PreFilter Skip skips that plugin's Filter; PreFilter results narrow the nodes", () => {
  let filtered = false;
  const skipper: PreFilterPlugin & FilterPlugin = { name: "S", preFilter: () => ({ status: SKIP }), filter: () => { filtered = true; return unresolvable("no"); } };
  const narrow = (name: string, nodes: string[]): PreFilterPlugin => ({ name, preFilter: () => ({ status: SUCCESS, nodeNames: new Set(nodes) }) });
  const { fwk } = testFramework(only("S", "N1", "N2"), [["S", () => skipper], ["N1", () => narrow("N1", ["a", "b"])], ["N2", () => narrow("N2", ["b", "c"])]]);
  const state = new CycleState();
  const pre = fwk.runPreFilter(state, podInfo(makePod("p")), []);
  assert.deepEqual([...pre.nodeNames!], ["b"]);
  assert.deepEqual(pre.narrowedBy, ["N1", "N2"]);
  assert.equal(fwk.runFilter(state, podInfo(makePod("p")), nodeInfo(makeNode("b"))), SUCCESS);
  assert.equal(filtered, false);
  const { fwk: disjoint } = testFramework(only("N1", "N2"), [["N1", () => narrow("N1", ["a"])], ["N2", () => narrow("N2", ["c"])]]);
  const none = disjoint.runPreFilter(new CycleState(), podInfo(makePod("p")), []);
  assert.equal(none.status.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(none.status.reasons, ["node(s) didn't satisfy plugin(s) [N1 N2] simultaneously"]);
});

test("scores are normalized per plugin, then weighted and summed", () => {
  const byName = (name: string, values: Record<string, number>, normalize?: (s: Float64Array, n: number) => void): ScorePlugin => ({
    name,
    score(_state, _pod, nodes, scores) { nodes.forEach((n, i) => (scores[i] = values[n.name]!)); },
    normalizeScore: normalize && ((_st, _p, scores, nodes) => normalize(scores, nodes.length)),
  });
  const config = { profiles: [{ plugins: { multiPoint: { disabled: [{ name: "*" }], enabled: [{ name: "PrioritySort" }, { name: "DefaultBinder" }, { name: "X", weight: 2 }, { name: "Y", weight: 1 }] } } }] };
  const { fwk } = testFramework(config, [
    ["X", () => byName("X", { a: 10, b: 40 }, (s, n) => { for (let i = 0; i < n; i++) s[i] = s[i]! * 2; })],
    ["Y", () => byName("Y", { a: 100, b: 0 })],
  ]);
  const totals = fwk.runScore(new CycleState(), podInfo(makePod("p")), [nodeInfo(makeNode("a")), nodeInfo(makeNode("b"))]);
  assert.deepEqual([...totals.slice(0, 2)], [10 * 2 * 2 + 100, 40 * 2 * 2 + 0]);
  const { fwk: bad } = testFramework(only("Y"), [["Y", () => byName("Y", { a: 101 })]]);
  assert.throws(() => bad.runScore(new CycleState(), podInfo(makePod("p")), [nodeInfo(makeNode("a"))]), /invalid score 101/);
});

test("permit: a waiting pod binds once allowed, and is rejected on timeout", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const waiter: PermitPlugin = { name: "W", permit: () => ({ status: { code: Code.Wait, reasons: [] }, timeoutMs: 5000 }) };
  const { fwk } = testFramework(only("W"), [["W", () => waiter]]);
  const a = podInfo(makePod("a"));
  assert.equal(fwk.runPermit(new CycleState(), a, "n").code, Code.Wait);
  const allowed = fwk.waitOnPermit(a);
  fwk.waitingPod(a.key)!.allow("W");
  assert.equal(await allowed, SUCCESS);
  const b = podInfo(makePod("b"));
  fwk.runPermit(new CycleState(), b, "n");
  const timedOut = fwk.waitOnPermit(b);
  t.mock.timers.tick(5000);
  const s = await timedOut;
  assert.equal(s.code, Code.Unschedulable);
  assert.equal(s.plugin, "W");
  assert.match(s.reasons[0]!, /timeout after waiting 5s at plugin W/);
  assert.equal(fwk.waitingPod(b.key), undefined);
});

test("bind: a plugin answering Skip hands the pod to the next one", async () => {
  const bound: string[] = [];
  const binder = (name: string, skip: boolean): BindPlugin => ({ name, async bind(_s, pod, node) { if (skip) return SKIP; bound.push(`${name}:${pod.name}->${node}`); return SUCCESS; } });
  const config = { profiles: [{ plugins: { bind: { disabled: [{ name: "*" }], enabled: [{ name: "First" }, { name: "Second" }] } } }] };
  const { fwk } = testFramework(config, [["First", () => binder("First", true)], ["Second", () => binder("Second", false)]]);
  const s = await fwk.runBind(new CycleState(), podInfo(makePod("p")), "n1");
  assert.equal(s.code, Code.Success);
  assert.deepEqual(bound, ["Second:p->n1"]);
});

test("retry decisions follow the rejecting plugins' registered events and hints", () => {
  const { fwk } = testFramework();
  const q = (plugins: string[]): QueuedPodInfo => ({ podInfo: podInfo(makePod("p")), heapIndex: -1, timestamp: 0, seq: 0, initialAttemptTimestamp: undefined, attempts: 1, unschedulablePlugins: new Set(plugins), gatedBy: undefined });
  const tainted = makeNode("n", { taints: [{ key: "k", effect: "NoSchedule" }] });
  assert.equal(fwk.worthRetrying(q(["TaintToleration"]), { resource: "Node", actions: Action.Add }, undefined, tainted), false, "the new node is tainted too");
  assert.equal(fwk.worthRetrying(q(["TaintToleration"]), { resource: "Node", actions: Action.Add }, undefined, makeNode("m")), true);
  assert.equal(fwk.worthRetrying(q(["TaintToleration"]), { resource: "AssignedPod", actions: Action.Delete }, makePod("x"), undefined), false);
  assert.equal(fwk.worthRetrying(q(["NodeResourcesFit"]), { resource: "AssignedPod", actions: Action.Delete }, makePod("x"), undefined), true);
  assert.equal(fwk.worthRetrying(q([]), { resource: "Namespace", actions: Action.Add }, undefined, undefined), true, "no known rejecter: any change");
});
