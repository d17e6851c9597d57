import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node, NodeCondition } from "kubernetes-types/core/v1";
import type { Machine } from "./machine.ts";
import { readMachine } from "./machine.ts";
import { ownedNodeStatus, ownedStatusCurrent } from "./node-status.ts";
import type { NodeStatusInputs } from "./node-status.ts";

const GiB = 1024 ** 3;

const machine = (over: Partial<Machine> = {}): Machine => ({
  cpus: 2,
  memoryTotalKi: 24570392,
  memoryAvailableKi: 20 * 1024 * 1024,
  nodefs: { capacityBytes: 100 * GiB, availableBytes: 50 * GiB, inodes: 1_000_000, inodesFree: 900_000 },
  tasks: 156,
  pidMax: 32768,
  machineID: "3d1219c7c4c5404aaa1f6d2a48adfda4",
  systemUUID: "3d1219c7-c4c5-404a-aa1f-6d2a48adfda4",
  bootID: "1bbaa5e4-182c-42c4-980d-49b5704c0475",
  kernelVersion: "6.18.0",
  osImage: "Debian GNU/Linux 12 (bookworm)",
  architecture: "amd64",
  ...over,
});

const inputs = (m: Machine, runtime: Partial<NodeStatusInputs["runtime"]> = {}): NodeStatusInputs => ({
  nodeName: "n1",
  nodeIP: "10.0.0.5",
  kubeletPort: 10250,
  machine: m,
  runtime: { version: "containerd://1.6.20", runtimeReady: true, networkReady: true, ...runtime },
});

const cond = (conditions: NodeCondition[] | undefined, type: string) => conditions!.find((c) => c.type === type)!;

test("capacity from the machine; allocatable holds back the hard eviction thresholds", () => {
  const s = ownedNodeStatus(inputs(machine()), undefined, "2026-01-01T00:00:00Z");
  assert.deepEqual(s.capacity, {
    cpu: "2", memory: "24570392Ki", "ephemeral-storage": `${100 * 1024 * 1024}Ki`, pods: "110", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
  });
  assert.equal(s.allocatable!.memory, `${24570392 - 102400}Ki`);
  assert.equal(s.allocatable!["ephemeral-storage"], `${90 * 1024 * 1024}Ki`);
  assert.equal(s.allocatable!.cpu, "2");
  assert.equal(s.allocatable!.pods, "110");
  assert.deepEqual(s.addresses, [{ type: "InternalIP", address: "10.0.0.5" }, { type: "Hostname", address: "n1" }]);
  assert.deepEqual(s.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  assert.equal(s.nodeInfo!.containerRuntimeVersion, "containerd://1.6.20");
  assert.match(s.nodeInfo!.kubeletVersion, /^v1\.32\.\d+\+berth-/);
  assert.equal(s.nodeInfo!.operatingSystem, "linux");
  assert.equal(s.nodeInfo!.bootID, "1bbaa5e4-182c-42c4-980d-49b5704c0475");
});

test("a healthy node: no pressure, Ready, upstream reasons", () => {
  const s = ownedNodeStatus(inputs(machine()), undefined, "2026-01-01T00:00:00Z");
  assert.deepEqual(s.conditions!.map((c) => [c.type, c.status, c.reason, c.message]), [
    ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
    ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
    ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
    ["Ready", "True", "KubeletReady", "kubelet is posting ready status"],
  ]);
});

test("pressure thresholds: memory < 100Mi, nodefs < 10% or inodes < 5%, pids < 10% of pid_max", () => {
  const at = (m: Machine, type: string) => cond(ownedNodeStatus(inputs(m), undefined, "t").conditions, type);
  assert.equal(at(machine({ memoryAvailableKi: 102400 }), "MemoryPressure").status, "False");
  const mem = at(machine({ memoryAvailableKi: 102399 }), "MemoryPressure");
  assert.deepEqual([mem.status, mem.reason], ["True", "KubeletHasInsufficientMemory"]);
  const fs = machine().nodefs;
  assert.equal(at(machine({ nodefs: { ...fs, availableBytes: 10 * GiB } }), "DiskPressure").status, "False");
  assert.equal(at(machine({ nodefs: { ...fs, availableBytes: 10 * GiB - 1 } }), "DiskPressure").reason, "KubeletHasDiskPressure");
  assert.equal(at(machine({ nodefs: { ...fs, inodesFree: 49_999 } }), "DiskPressure").status, "True");
  assert.equal(at(machine({ nodefs: { ...fs, inodes: 0, inodesFree: 0 } }), "DiskPressure").status, "False", "no inode accounting");
  assert.equal(at(machine({ tasks: 32768 - 3277 }), "PIDPressure").status, "False");
  const pid = at(machine({ tasks: 32768 - 3276 }), "PIDPressure");
  assert.deepEqual([pid.status, pid.reason], ["True", "KubeletHasInsufficientPID"]);
  // Pressure alone does not make the node NotReady.
  assert.equal(at(machine({ memoryAvailableKi: 0 }), "Ready").status, "True");
});

test("Ready follows the runtime and its network", () => {
  const ready = (rt: Partial<NodeStatusInputs["runtime"]>) => cond(ownedNodeStatus(inputs(machine(), rt), undefined, "t").conditions, "Ready");
  const down = ready({ runtimeReady: false, message: "dial unix: no such file" });
  assert.deepEqual([down.status, down.reason, down.message], ["False", "KubeletNotReady", "container runtime is down: dial unix: no such file"]);
  const net = ready({ networkReady: false, message: "cni plugin not initialized" });
  assert.deepEqual([net.status, net.message], ["False", "container runtime network not ready: cni plugin not initialized"]);
});

test("transition times stay while a condition's status does; heartbeats move", () => {
  const first = ownedNodeStatus(inputs(machine()), undefined, "2026-01-01T00:00:00Z");
  const same = ownedNodeStatus(inputs(machine()), first, "2026-01-01T00:00:10Z");
  assert.equal(cond(same.conditions, "Ready").lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(cond(same.conditions, "Ready").lastHeartbeatTime, "2026-01-01T00:00:10Z");
  const changed = ownedNodeStatus(inputs(machine({ memoryAvailableKi: 1 })), same, "2026-01-01T00:00:20Z");
  assert.equal(cond(changed.conditions, "MemoryPressure").lastTransitionTime, "2026-01-01T00:00:20Z");
  assert.equal(cond(changed.conditions, "Ready").lastTransitionTime, "2026-01-01T00:00:00Z");
});

test("ownedStatusCurrent ignores times and what others added, notices what the node owns", () => {
  const wanted = ownedNodeStatus(inputs(machine()), undefined, "2026-01-01T00:00:00Z");
  const node = (status: Node["status"]): Node => ({ metadata: { name: "n1" }, status });
  const later = ownedNodeStatus(inputs(machine()), wanted, "2026-01-01T00:05:00Z");
  const withExtras = { ...wanted, capacity: { ...wanted.capacity, "example.com/gpu": "1" }, conditions: [...wanted.conditions!, { type: "NetworkUnavailable", status: "False" }] };
  assert.ok(ownedStatusCurrent(node(withExtras), later));
  assert.ok(!ownedStatusCurrent(node(wanted), ownedNodeStatus(inputs(machine({ memoryAvailableKi: 1 })), wanted, "t")));
  assert.ok(!ownedStatusCurrent(node(wanted), ownedNodeStatus({ ...inputs(machine()), nodeIP: "10.0.0.6" }, wanted, "t")));
  assert.ok(!ownedStatusCurrent(node(undefined), wanted));
});

test("readMachine reads this machine", async () => {
  const m = await readMachine("/tmp");
  assert.ok(m.cpus >= 1);
  assert.ok(m.memoryTotalKi > m.memoryAvailableKi && m.memoryAvailableKi > 0);
  assert.ok(m.nodefs.capacityBytes > 0);
  assert.ok(m.tasks > 0 && m.pidMax >= m.tasks);
  assert.match(m.bootID, /^[0-9a-f-]{36}$/);
  assert.match(m.systemUUID, /^[0-9a-f-]{36}$/);
  assert.ok(m.osImage.length > 0);
});
