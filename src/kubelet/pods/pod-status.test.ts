import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { ContainerStatus } from "../cri/types.ts";
import { computePodStatus } from "./pod-status.ts";
import type { StatusInputs } from "./pod-status.ts";
import type { ContainerInstance, RuntimePod } from "./runtime-pod.ts";

const NS = 1_700_000_000_000 * 1e6;

function pod(restartPolicy: "Always" | "OnFailure" | "Never", init: string[] = []): Pod {
  return {
    metadata: { name: "p", namespace: "default", uid: "u1" },
    spec: { restartPolicy, initContainers: init.map((name) => ({ name, image: "busybox" })), containers: [{ name: "a", image: "busybox" }, { name: "b", image: "busybox" }] },
    status: { conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] },
  };
}

function inst(name: string, state: ContainerStatus["state"], exitCode = 0, restartCount = 0): ContainerInstance {
  return {
    id: `${name}-${restartCount}`, name, restartCount, kind: "app",
    status: { id: `${name}-${restartCount}`, metadata: { name, attempt: restartCount }, state, createdAt: NS, startedAt: NS + 1e9, finishedAt: state === "CONTAINER_EXITED" ? NS + 2e9 : 0, exitCode, image: { image: "busybox" }, imageRef: "sha256:abc", reason: "", message: "", labels: {}, annotations: {}, logPath: "" },
  };
}

function inputs(p: Pod, containers: ContainerInstance[][], extra: Partial<StatusInputs> = {}): StatusInputs {
  const runtime: RuntimePod = {
    sandboxes: [{ id: "s", metadata: { name: "p", namespace: "default", uid: "u1", attempt: 0 }, state: "SANDBOX_READY", createdAt: NS, labels: {}, annotations: {} }],
    containers: new Map(containers.map((l) => [l[0].name, l])),
  };
  return { pod: p, runtime, waiting: new Map(), ready: () => true, started: () => true, podIPs: ["10.42.0.5"], hostIPs: ["192.0.2.1"], now: new Date("2026-11-22T10:00:00Z"), ...extra };
}

const cond = (s: ReturnType<typeof computePodStatus>, type: string) => s.conditions!.find((c) => c.type === type)!;

test("running containers make a Running, Ready pod with IPs, QoS and the scheduler's condition kept", () => {
  const s = computePodStatus(inputs(pod("Always"), [[inst("a", "CONTAINER_RUNNING")], [inst("b", "CONTAINER_RUNNING")]]));
  assert.equal(s.phase, "Running");
  assert.equal(cond(s, "Ready").status, "True");
  assert.equal(cond(s, "PodScheduled").lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(s.podIP, "10.42.0.5");
  assert.equal(s.qosClass, "BestEffort");
  assert.equal(s.containerStatuses![0].containerID, "containerd://a-0");
  assert.ok(s.containerStatuses![0].state!.running!.startedAt);
});

test("an unready container keeps the pod Running but not Ready, naming it", () => {
  const s = computePodStatus(inputs(pod("Always"), [[inst("a", "CONTAINER_RUNNING")], [inst("b", "CONTAINER_RUNNING")]], { ready: (n) => n !== "b" }));
  assert.equal(s.phase, "Running");
  assert.equal(cond(s, "Ready").status, "False");
  assert.equal(cond(s, "Ready").message, "containers with unready status: [b]");
});

test("restartPolicy Never: a non-zero exit fails the pod with the exit code; all zero succeeds", () => {
  const failed = computePodStatus(inputs(pod("Never"), [[inst("a", "CONTAINER_EXITED", 7)], [inst("b", "CONTAINER_EXITED", 0)]]));
  assert.equal(failed.phase, "Failed");
  assert.equal(failed.containerStatuses![0].state!.terminated!.exitCode, 7);
  assert.equal(failed.containerStatuses![0].state!.terminated!.reason, "Error");
  assert.equal(cond(failed, "Ready").reason, "PodCompleted");
  const ok = computePodStatus(inputs(pod("Never"), [[inst("a", "CONTAINER_EXITED", 0)], [inst("b", "CONTAINER_EXITED", 0)]]));
  assert.equal(ok.phase, "Succeeded");
  assert.equal(ok.containerStatuses![1].state!.terminated!.reason, "Completed");
});

test("a container backing off is waiting in CrashLoopBackOff with its last run as lastState and its restart count", () => {
  const s = computePodStatus(inputs(pod("Always"), [[inst("a", "CONTAINER_EXITED", 1, 3), inst("a", "CONTAINER_EXITED", 1, 2)], [inst("b", "CONTAINER_RUNNING")]], { waiting: new Map([["a", { reason: "CrashLoopBackOff", message: "back-off 40s" }]]) }));
  const a = s.containerStatuses![0];
  assert.equal(a.state!.waiting!.reason, "CrashLoopBackOff");
  assert.equal(a.lastState!.terminated!.exitCode, 1);
  assert.equal(a.restartCount, 3);
  assert.equal(s.phase, "Running");
});

test("pending init containers keep the pod Pending and Initialized False; app containers wait in PodInitializing", () => {
  const s = computePodStatus(inputs(pod("Always", ["setup"]), [[{ ...inst("setup", "CONTAINER_RUNNING"), kind: "init" }]]));
  assert.equal(s.phase, "Pending");
  assert.equal(cond(s, "Initialized").status, "False");
  assert.equal(cond(s, "Initialized").message, "containers with incomplete status: [setup]");
  assert.equal(s.containerStatuses![0].state!.waiting!.reason, "PodInitializing");
  const failed = computePodStatus(inputs(pod("Never", ["setup"]), [[{ ...inst("setup", "CONTAINER_EXITED", 2), kind: "init" }]]));
  assert.equal(failed.phase, "Failed");
});

test("transition times are kept while a condition's status holds", () => {
  const first = computePodStatus(inputs(pod("Always"), [[inst("a", "CONTAINER_RUNNING")], [inst("b", "CONTAINER_RUNNING")]]));
  const p = { ...pod("Always"), status: first };
  const later = computePodStatus(inputs(p, [[inst("a", "CONTAINER_RUNNING")], [inst("b", "CONTAINER_RUNNING")]], { now: new Date("2026-11-22T11:00:00Z") }));
  assert.equal(cond(later, "Ready").lastTransitionTime, cond(first, "Ready").lastTransitionTime);
  assert.equal(later.startTime, first.startTime);
  assert.equal(JSON.stringify(later), JSON.stringify(first));
});

test("a deadline failure ends the pod Failed with its reason", () => {
  const s = computePodStatus(inputs(pod("Always"), [[inst("a", "CONTAINER_EXITED", 137)], [inst("b", "CONTAINER_EXITED", 137)]], { failure: { reason: "DeadlineExceeded", message: "too long" } }));
  assert.equal(s.phase, "Failed");
  assert.equal(s.reason, "DeadlineExceeded");
});
