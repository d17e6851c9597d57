import { test } from "node:test";
import assert from "node:assert/strict";
import { taintToleration } from "./taint-toleration.ts";
import { CycleState } from "../cycle-state.ts";
import { Code, SUCCESS } from "../status.ts";
import { makeNode, makePod, nodeInfo, podInfo } from "../testing/fixtures.ts";

const gpu = { key: "dedicated", value: "gpu", effect: "NoSchedule" };

test("NoSchedule and NoExecute taints need a toleration; PreferNoSchedule does not", () => {
  const p = taintToleration();
  const node = nodeInfo(makeNode("n", { taints: [gpu, { key: "soft", effect: "PreferNoSchedule" }] }));
  const s = p.filter(new CycleState(), podInfo(makePod("plain")), node);
  assert.equal(s.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(s.reasons, ["node(s) had untolerated taint {dedicated: gpu}"]);
  for (const tol of [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }, { key: "dedicated", operator: "Exists" }, { operator: "Exists" }]) {
    assert.equal(p.filter(new CycleState(), podInfo(makePod("t", { spec: { tolerations: [tol] } })), node), SUCCESS, JSON.stringify(tol));
  }
  for (const tol of [{ key: "dedicated", operator: "Equal", value: "cpu" }, { key: "dedicated", operator: "Exists", effect: "NoExecute" }]) {
    assert.notEqual(p.filter(new CycleState(), podInfo(makePod("t", { spec: { tolerations: [tol] } })), node), SUCCESS, JSON.stringify(tol));
  }
  const noExec = nodeInfo(makeNode("m", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] }));
  assert.deepEqual(p.filter(new CycleState(), podInfo(makePod("x")), noExec).reasons, ["node(s) had untolerated taint {node.kubernetes.io/not-ready: }"]);
});

test("fewer untolerated PreferNoSchedule taints score higher", () => {
  const p = taintToleration();
  const nodes = [
    nodeInfo(makeNode("clean")),
    nodeInfo(makeNode("one", { taints: [{ key: "a", effect: "PreferNoSchedule" }] })),
    nodeInfo(makeNode("two", { taints: [{ key: "a", effect: "PreferNoSchedule" }, { key: "b", effect: "PreferNoSchedule" }] })),
  ];
  const pod = podInfo(makePod("p", { spec: { tolerations: [{ key: "b", operator: "Exists", effect: "PreferNoSchedule" }] } }));
  const state = new CycleState();
  p.preScore(state, pod, nodes);
  const scores = new Float64Array(3);
  p.score(state, pod, nodes, scores);
  p.normalizeScore!(state, pod, scores, nodes);
  assert.deepEqual([...scores], [100, 0, 0]);
});
