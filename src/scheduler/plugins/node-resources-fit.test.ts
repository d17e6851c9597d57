import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { nodeResourcesFit } from "./node-resources-fit.ts";
import type { NodeResourcesFitArgs } from "./node-resources-fit.ts";
import { CycleState } from "../cycle-state.ts";
import { SUCCESS } from "../status.ts";
import type { NodeInfo } from "../node-info.ts";
import { makeNode, makePod, nodeInfo, podInfo } from "../testing/fixtures.ts";

const gpuPod = (name: string, gpus: string, cpu = "100m") => makePod(name, { spec: { containers: [{ name: "c", image: "x", resources: { requests: { cpu, "example.com/gpu": gpus } } }] } });

test("filter: every shortfall is a reason", () => {
  const p = nodeResourcesFit(undefined);
  const node = nodeInfo(makeNode("n", { cpu: "2", memory: "4Gi", pods: "2" }), [makePod("a", { cpu: "1500m", memory: "3Gi" })]);
  assert.equal(p.filter(new CycleState(), podInfo(makePod("ok", { cpu: "500m", memory: "1Gi" })), node), SUCCESS);
  assert.deepEqual(p.filter(new CycleState(), podInfo(makePod("big", { cpu: "1", memory: "2Gi" })), node).reasons, ["Insufficient cpu", "Insufficient memory"]);
  const full = nodeInfo(makeNode("n", { pods: "1" }), [makePod("a")]);
  assert.deepEqual(p.filter(new CycleState(), podInfo(makePod("b")), full).reasons, ["Too many pods"]);
});

test("filter: extended resources, unless ignored", () => {
  const node = nodeInfo(makeNode("n", { extended: { "example.com/gpu": "2" } }), [gpuPod("a", "1")]);
  const p = nodeResourcesFit(undefined);
  assert.equal(p.filter(new CycleState(), podInfo(gpuPod("b", "1")), node), SUCCESS);
  assert.deepEqual(p.filter(new CycleState(), podInfo(gpuPod("c", "2")), node).reasons, ["Insufficient example.com/gpu"]);
  assert.deepEqual(p.filter(new CycleState(), podInfo(gpuPod("c", "1")), nodeInfo(makeNode("plain"))).reasons, ["Insufficient example.com/gpu"]);
  assert.equal(nodeResourcesFit({ ignoredResources: ["example.com/gpu"] }).filter(new CycleState(), podInfo(gpuPod("c", "5")), node), SUCCESS);
  assert.equal(nodeResourcesFit({ ignoredResourceGroups: ["example.com"] }).filter(new CycleState(), podInfo(gpuPod("c", "5")), node), SUCCESS);
});

function scores(args: NodeResourcesFitArgs | undefined, pod: Pod, nodes: NodeInfo[]): number[] {
  const p = nodeResourcesFit(args);
  const state = new CycleState();
  const pi = podInfo(pod);
  p.preScore(state, pi, nodes);
  const out = new Float64Array(nodes.length);
  p.score(state, pi, nodes, out);
  return [...out];
}

test("LeastAllocated: free share averaged over cpu and memory (defaults for unset requests)", () => {
  const nodes = [nodeInfo(makeNode("a", { cpu: "4", memory: "8Gi" })), nodeInfo(makeNode("b", { cpu: "4", memory: "8Gi" }), [makePod("x", { cpu: "2", memory: "4Gi" })])];
  // a: cpu (4000-1000)/4000=75, memory (8-2)/8=75 -> 75; b: cpu 25, memory 25 -> 25
  assert.deepEqual(scores(undefined, makePod("p", { cpu: "1", memory: "2Gi" }), nodes), [75, 25]);
  // No requests: 100m and 200Mi count. a: cpu 97 (3900*100/4000=97.5), memory (8192-200)*100/8192=97.5 -> 97
  assert.deepEqual(scores(undefined, makePod("p"), nodes.slice(0, 1)), [97]);
});

test("MostAllocated and RequestedToCapacityRatio", () => {
  const nodes = [nodeInfo(makeNode("a", { cpu: "4", memory: "8Gi" })), nodeInfo(makeNode("b", { cpu: "4", memory: "8Gi" }), [makePod("x", { cpu: "2", memory: "4Gi" })])];
  const pod = makePod("p", { cpu: "1", memory: "2Gi" });
  assert.deepEqual(scores({ scoringStrategy: { type: "MostAllocated" } }, pod, nodes), [25, 75]);
  const ratio = { scoringStrategy: { type: "RequestedToCapacityRatio" as const, requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } };
  assert.deepEqual(scores(ratio, pod, nodes), [25, 75]);
  const weighted = { scoringStrategy: { type: "MostAllocated" as const, resources: [{ name: "cpu", weight: 3 }, { name: "memory", weight: 1 }] } };
  assert.deepEqual(scores(weighted, makePod("p", { cpu: "2", memory: "2Gi" }), nodes.slice(0, 1)), [Math.trunc((50 * 3 + 25) / 4)]);
});
