import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeUnschedulable } from "./node-unschedulable.ts";
import { nodeName } from "./node-name.ts";
import { schedulingGates } from "./scheduling-gates.ts";
import { prioritySort } from "./priority-sort.ts";
import { CycleState } from "../cycle-state.ts";
import { Code, SUCCESS } from "../status.ts";
import { makeNode, makePod, nodeInfo, podInfo } from "../testing/fixtures.ts";
import type { QueuedPodInfo } from "../queue.ts";

test("NodeUnschedulable: cordoned nodes refuse pods unless they tolerate the unschedulable taint", () => {
  const p = nodeUnschedulable();
  const cordoned = nodeInfo(makeNode("n", { unschedulable: true }));
  const s = p.filter(new CycleState(), podInfo(makePod("p")), cordoned);
  assert.equal(s.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(s.reasons, ["node(s) were unschedulable"]);
  const tolerant = makePod("t", { spec: { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }] } });
  assert.equal(p.filter(new CycleState(), podInfo(tolerant), cordoned), SUCCESS);
  assert.equal(p.filter(new CycleState(), podInfo(makePod("p")), nodeInfo(makeNode("m"))), SUCCESS);
});

test("NodeName: only the named node fits", () => {
  const p = nodeName();
  const pod = podInfo(makePod("p", { nodeName: "a" }));
  assert.equal(p.filter(new CycleState(), pod, nodeInfo(makeNode("a"))), SUCCESS);
  assert.deepEqual(p.filter(new CycleState(), pod, nodeInfo(makeNode("b"))).reasons, ["node(s) didn't match the requested node name"]);
});

test("SchedulingGates: gated pods are held back", () => {
  const p = schedulingGates();
  assert.equal(p.preEnqueue(podInfo(makePod("p"))), SUCCESS);
  const gated = p.preEnqueue(podInfo(makePod("g", { spec: { schedulingGates: [{ name: "a" }, { name: "b" }] } })));
  assert.deepEqual(gated.reasons, ["waiting for scheduling gates: [a b]"]);
});

test("PrioritySort: priority, then time in the queue", () => {
  const q = (priority: number, timestamp: number) => ({ podInfo: podInfo(makePod("p", { priority })), timestamp }) as QueuedPodInfo;
  const { less } = prioritySort();
  assert.ok(less(q(10, 5), q(1, 1)));
  assert.ok(less(q(1, 1), q(1, 5)));
  assert.ok(!less(q(1, 5), q(1, 1)));
});
