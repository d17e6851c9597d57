import { test } from "node:test";
import assert from "node:assert/strict";
import { balancedAllocation } from "./balanced-allocation.ts";
import { CycleState } from "../cycle-state.ts";
import { makeNode, makePod, nodeInfo, podInfo } from "../testing/fixtures.ts";

test("even use of cpu and memory scores high, lopsided use low", () => {
  const p = balancedAllocation(undefined);
  const nodes = [
    nodeInfo(makeNode("even", { cpu: "4", memory: "4Gi" })),
    nodeInfo(makeNode("cpu-heavy", { cpu: "4", memory: "4Gi" }), [makePod("x", { cpu: "3" })]),
  ];
  const pod = podInfo(makePod("p", { cpu: "1", memory: "1Gi" }));
  const state = new CycleState();
  p.preScore(state, pod, nodes);
  const scores = new Float64Array(2);
  p.score(state, pod, nodes, scores);
  // even: fractions 0.25/0.25 -> 100; cpu-heavy: 1.0/0.25 -> std 0.375 -> 62
  assert.deepEqual([...scores], [100, 62]);
});

test("three resources use the standard deviation", () => {
  const p = balancedAllocation({ resources: [{ name: "cpu", weight: 1 }, { name: "memory", weight: 1 }, { name: "example.com/gpu", weight: 1 }] });
  const nodes = [nodeInfo(makeNode("n", { cpu: "4", memory: "4Gi", extended: { "example.com/gpu": "4" } }))];
  const pod = podInfo(makePod("p", { spec: { containers: [{ name: "c", image: "x", resources: { requests: { cpu: "1", memory: "2Gi", "example.com/gpu": "3" } } }] } }));
  const state = new CycleState();
  p.preScore(state, pod, nodes);
  const scores = new Float64Array(1);
  p.score(state, pod, nodes, scores);
  const f = [0.25, 0.5, 0.75];
  const std = Math.sqrt(f.reduce((s, x) => s + (x - 0.5) ** 2, 0) / 3);
  assert.equal(scores[0], Math.trunc((1 - std) * 100));
});
