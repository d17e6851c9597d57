import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1";
import { ownedNodeStatus, ownedStatusCurrent } from "./node-status.ts";
import { missingMetadataPatch, newNode } from "./node-object.ts";

const facts = { name: "sim-4", index: 4, internalIp: "198.18.0.5", resources: { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "100Gi" }, bootNonce: "0badf00d" };

test("status as the kubelet reports it; heartbeats alone do not count as a change", () => {
  const s = ownedNodeStatus(facts, undefined, "2025-01-01T00:00:00Z");
  assert.deepEqual(s.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}`), [
    "MemoryPressure=False/KubeletHasSufficientMemory", "DiskPressure=False/KubeletHasNoDiskPressure", "PIDPressure=False/KubeletHasSufficientPID", "Ready=True/KubeletReady",
  ]);
  assert.deepEqual(s.addresses, [{ type: "InternalIP", address: "198.18.0.5" }, { type: "Hostname", address: "sim-4" }]);
  assert.equal(s.nodeInfo!.kubeletVersion, "v1.32.0-berth-sim");
  assert.match(s.nodeInfo!.systemUUID, /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
  assert.match(s.nodeInfo!.bootID, /^0badf00d-.*4$/);
  assert.notEqual(ownedNodeStatus({ ...facts, index: 5 }, undefined, "2025-01-01T00:00:00Z").nodeInfo!.machineID, s.nodeInfo!.machineID);
  const node: Node = { metadata: { name: "sim-4" }, status: s };
  const later = ownedNodeStatus(facts, s, "2025-01-01T00:05:00Z");
  assert.equal(later.conditions![3]!.lastTransitionTime, "2025-01-01T00:00:00Z");
  assert.equal(later.conditions![3]!.lastHeartbeatTime, "2025-01-01T00:05:00Z");
  assert.ok(ownedStatusCurrent(node, later));
});

test("a Ready condition someone else changed, or a lost address, needs a new post; extra resources do not", () => {
  const s = ownedNodeStatus(facts, undefined, "2025-01-01T00:00:00Z");
  const unknown: Node = { status: { ...s, conditions: s.conditions!.map((c) => (c.type === "Ready" ? { ...c, status: "Unknown", reason: "NodeStatusUnknown" } : c)) } };
  assert.ok(!ownedStatusCurrent(unknown, s));
  assert.equal(ownedNodeStatus(facts, unknown.status, "2025-01-01T00:01:00Z").conditions![3]!.lastTransitionTime, "2025-01-01T00:01:00Z");
  assert.ok(!ownedStatusCurrent({ status: { ...s, addresses: [] } }, s));
  assert.ok(ownedStatusCurrent({ status: { ...s, capacity: { ...s.capacity, "example.com/gpu": "2" } } }, s));
  assert.ok(!ownedStatusCurrent({ metadata: { name: "sim-4" } }, s));
});

test("adoption adds only missing labels and annotations, never changes a user's values", () => {
  const wanted = newNode("sim-4", { zone: "a" });
  const existing: Node = { metadata: { name: "sim-4", labels: { ...wanted.metadata!.labels, type: "custom", team: "blue" }, annotations: { "berth.dev/simulated": "true" } } };
  delete existing.metadata!.labels!.zone;
  assert.deepEqual(missingMetadataPatch(existing, wanted), { metadata: { labels: { zone: "a" } } });
  assert.equal(missingMetadataPatch({ metadata: { ...wanted.metadata, labels: { ...wanted.metadata!.labels, extra: "x" } } }, wanted), undefined);
  assert.deepEqual(Object.keys(missingMetadataPatch({ metadata: { name: "sim-4" } }, wanted)!.metadata).sort(), ["annotations", "labels"]);
});
