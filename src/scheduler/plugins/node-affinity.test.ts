import { test } from "node:test";
import assert from "node:assert/strict";
import type { NodeSelectorTerm } from "kubernetes-types/core/v1";
import { nodeAffinity } from "./node-affinity.ts";
import { CycleState } from "../cycle-state.ts";
import { Code, SUCCESS } from "../status.ts";
import { makeNode, makePod, nodeInfo, podInfo } from "../testing/fixtures.ts";

const required = (...terms: NodeSelectorTerm[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });

function fits(pod: ReturnType<typeof makePod>, labels: Record<string, string>, name = "n", args = {}): boolean {
  const p = nodeAffinity(args);
  const state = new CycleState();
  const pi = podInfo(pod);
  const pre = p.preFilter(state, pi, []);
  if (pre.status.code === Code.Skip) return true;
  if (pre.nodeNames && !pre.nodeNames.has(name)) return false;
  return p.filter(state, pi, nodeInfo(makeNode(name, { labels }))) === SUCCESS;
}

test("nodeSelector and required terms: terms ORed, expressions ANDed", () => {
  assert.ok(fits(makePod("p", { spec: { nodeSelector: { disk: "ssd" } } }), { disk: "ssd" }));
  assert.ok(!fits(makePod("p", { spec: { nodeSelector: { disk: "ssd" } } }), { disk: "hdd" }));
  const affinity = required(
    { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }, { key: "gpu", operator: "DoesNotExist" }] },
    { matchExpressions: [{ key: "cores", operator: "Gt", values: ["16"] }] },
  );
  assert.ok(fits(makePod("p", { spec: { affinity } }), { zone: "a" }));
  assert.ok(!fits(makePod("p", { spec: { affinity } }), { zone: "a", gpu: "yes" }));
  assert.ok(fits(makePod("p", { spec: { affinity } }), { cores: "32" }));
  assert.ok(!fits(makePod("p", { spec: { affinity } }), { cores: "8" }));
  assert.ok(!fits(makePod("p", { spec: { affinity: required({ matchExpressions: [{ key: "zone", operator: "NotIn", values: [] }] }) } }), {}), "malformed terms match nothing");
  assert.ok(!fits(makePod("p", { spec: { affinity: required({}) } }), {}), "an empty term matches nothing");
  // nodeSelector and affinity must both hold.
  assert.ok(!fits(makePod("p", { spec: { nodeSelector: { disk: "ssd" }, affinity } }), { zone: "a" }));
});

test("the rejection reason is upstream's", () => {
  const p = nodeAffinity({});
  const state = new CycleState();
  const pod = podInfo(makePod("p", { spec: { nodeSelector: { disk: "ssd" } } }));
  p.preFilter(state, pod, []);
  const s = p.filter(state, pod, nodeInfo(makeNode("n")));
  assert.equal(s.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(s.reasons, ["node(s) didn't match Pod's node affinity/selector"]);
});

test("matchFields on metadata.name narrows the nodes up front", () => {
  const p = nodeAffinity({});
  const byName = (names: string[]) => ({ matchFields: [{ key: "metadata.name", operator: "In", values: names }] });
  const pre = p.preFilter(new CycleState(), podInfo(makePod("p", { spec: { affinity: required(byName(["a", "b"]), byName(["c"])) } })), []);
  assert.deepEqual([...pre.nodeNames!].sort(), ["a", "b", "c"]);
  const conflict = p.preFilter(new CycleState(), podInfo(makePod("p", { spec: { affinity: required({ matchFields: [byName(["a"]).matchFields[0]!, byName(["b"]).matchFields[0]!] }) } })), []);
  assert.deepEqual(conflict.status.reasons, ["pod affinity terms conflict"]);
  const mixed = p.preFilter(new CycleState(), podInfo(makePod("p", { spec: { affinity: required(byName(["a"]), { matchExpressions: [{ key: "x", operator: "Exists" }] }) } })), []);
  assert.equal(mixed.nodeNames, undefined);
  assert.ok(fits(makePod("p", { spec: { affinity: required(byName(["a"])) } }), {}, "a"));
  assert.ok(!fits(makePod("p", { spec: { affinity: required(byName(["a"])) } }), {}, "b"));
});

test("addedAffinity from the profile applies to every pod", () => {
  const args = { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "pool", operator: "In", values: ["batch"] }] }] } } };
  assert.ok(fits(makePod("p"), { pool: "batch" }, "n", args));
  assert.ok(!fits(makePod("p"), { pool: "web" }, "n", args));
});

test("preferred terms: weights of matching terms, normalized to the best node", () => {
  const p = nodeAffinity({});
  const pod = podInfo(makePod("p", {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 20, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } },
            { weight: 60, preference: { matchExpressions: [{ key: "ssd", operator: "Exists" }] } },
          ],
        },
      },
    },
  }));
  const nodes = [nodeInfo(makeNode("a", { labels: { zone: "a" } })), nodeInfo(makeNode("b", { labels: { zone: "a", ssd: "1" } })), nodeInfo(makeNode("c"))];
  const state = new CycleState();
  assert.equal(p.preScore(state, pod, nodes), SUCCESS);
  const scores = new Float64Array(3);
  p.score(state, pod, nodes, scores);
  p.normalizeScore!(state, pod, scores, nodes);
  assert.deepEqual([...scores], [25, 100, 0]);
  assert.equal(p.preScore(new CycleState(), podInfo(makePod("plain")), nodes).code, Code.Skip);
});
