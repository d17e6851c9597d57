import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { podsToDelete } from "./ranking.ts";

const now = new Date("2024-06-01T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString().slice(0, 19) + "Z";

interface Shape { node?: string; phase?: string; ready?: boolean; readyFor?: number; restarts?: number; age?: number; cost?: number }
function pod(name: string, s: Shape): Pod {
  return {
    metadata: {
      name, uid: name, creationTimestamp: ago(s.age ?? 3600),
      annotations: s.cost === undefined ? undefined : { "controller.kubernetes.io/pod-deletion-cost": String(s.cost) },
    },
    spec: { nodeName: s.node, containers: [{ name: "c" }] },
    status: {
      phase: s.phase ?? "Running",
      conditions: [{ type: "Ready", status: s.ready === false ? "False" : "True", lastTransitionTime: ago(s.readyFor ?? 600) }],
      containerStatuses: [{ name: "c", image: "", imageID: "", ready: s.ready !== false, restartCount: s.restarts ?? 0 }],
    },
  };
}

function order(pods: Pod[], related: Pod[] = []): string[] {
  return podsToDelete(pods, related, pods.length - 1, now).map((p) => p.metadata!.name!);
}

test("each ranking rule in upstream's order of precedence", () => {
  assert.deepEqual(order([pod("assigned", { node: "n1" }), pod("unassigned", { node: "" }), pod("keep", { node: "n1" })]).slice(0, 1), ["unassigned"]);
  assert.deepEqual(order([pod("running", { node: "n" }), pod("unknown", { node: "n", phase: "Unknown" }), pod("pending", { node: "n", phase: "Pending" })]), ["pending", "unknown"]);
  assert.deepEqual(order([pod("ready", { node: "n" }), pod("notready", { node: "n", ready: false })]), ["notready"]);
  assert.deepEqual(order([pod("costly", { node: "n", cost: 10 }), pod("cheap", { node: "n", cost: -5 })]), ["cheap"]);
  assert.deepEqual(order([pod("fresh", { node: "n", readyFor: 5 }), pod("old", { node: "n", readyFor: 7200 })]), ["fresh"]);
  assert.deepEqual(order([pod("stable", { node: "n" }), pod("flaky", { node: "n", restarts: 4 })]), ["flaky"]);
  assert.deepEqual(order([pod("elder", { node: "n", age: 86400 }), pod("young", { node: "n", age: 10 })]), ["young"]);
});

test("earlier rules win over later ones", () => {
  // Not ready beats a long history of readiness: the unready pod goes even though it is older and never restarted.
  assert.deepEqual(order([pod("ready-new", { node: "n", readyFor: 1, restarts: 9, age: 2 }), pod("unready-old", { node: "n", ready: false, age: 86400 })]), ["unready-old"]);
  // Restarts outrank age.
  assert.deepEqual(order([pod("restarted-old", { node: "n", restarts: 2, age: 86400, readyFor: 600 }), pod("young", { node: "n", age: 60, readyFor: 600 })]), ["restarted-old"]);
});

test("pods on nodes crowded with related pods go first", () => {
  const pods = [pod("alone", { node: "n1" }), pod("crowded", { node: "n2" })];
  const related = [...pods, pod("sibling1", { node: "n2" }), pod("sibling2", { node: "n2" }), pod("gone", { node: "n1", phase: "Failed" })];
  assert.deepEqual(order(pods, related), ["crowded"]);
});

test("ready times within the same power of two are tie-broken by uid, not by the exact time", () => {
  // 600 s and 700 s fall in the same log2 bucket of nanoseconds (2^39 ns is ~550 s, 2^40 ns ~1100 s).
  assert.deepEqual(order([pod("b", { node: "n", readyFor: 600 }), pod("a", { node: "n", readyFor: 700 })]), ["a"]);
  assert.deepEqual(order([pod("a", { node: "n", readyFor: 600 }), pod("b", { node: "n", readyFor: 700 })]), ["a"]);
});

test("asking for at least as many pods as there are returns them all", () => {
  const pods = [pod("x", {}), pod("y", {})];
  assert.equal(podsToDelete(pods, [], 5, now), pods);
});
