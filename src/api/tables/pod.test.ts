import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { podTable } from "./pod.ts";

const now = new Date("2024-05-01T12:00:00Z");
const created = "2024-05-01T11:00:00Z";

const pod = (spec: Pod["spec"], status: Pod["status"], meta: Pod["metadata"] = {}): Pod =>
  ({ metadata: { name: "p", creationTimestamp: created, ...meta }, spec, status });

const running = { running: { startedAt: created } };

/** NAME READY STATUS RESTARTS AGE */
const row = (p: Pod) => podTable.cells(p, now).slice(0, 5);

test("headers and wide columns match upstream's pod printer", () => {
  assert.deepEqual(podTable.columns.map((c) => c.name), ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]);
  assert.deepEqual(podTable.columns.map((c) => c.priority), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(podTable.columns[0].format, "name");
});

test("a running pod: ready count, phase, wide cells", () => {
  const p = pod(
    { nodeName: "n1", containers: [{ name: "a" }, { name: "b" }], readinessGates: [{ conditionType: "x/ready" }, { conditionType: "y/ready" }] },
    {
      phase: "Running", podIPs: [{ ip: "10.0.0.5" }, { ip: "fd00::5" }],
      conditions: [{ type: "x/ready", status: "True" }, { type: "y/ready", status: "False" }],
      containerStatuses: [
        { name: "a", ready: true, restartCount: 0, image: "", imageID: "", state: running },
        { name: "b", ready: false, restartCount: 0, image: "", imageID: "", state: running },
      ],
    },
  );
  assert.deepEqual(podTable.cells(p, now), ["p", "1/2", "Running", "0", "60m", "10.0.0.5", "n1", "<none>", "1/2"]);
});

test("an init container still running shows Init:0/1 and its restarts", () => {
  const p = pod(
    { initContainers: [{ name: "init" }], containers: [{ name: "app" }] },
    {
      phase: "Pending",
      initContainerStatuses: [{ name: "init", ready: false, restartCount: 0, image: "", imageID: "", state: running }],
      containerStatuses: [{ name: "app", ready: false, restartCount: 0, image: "", imageID: "", state: { waiting: { reason: "PodInitializing" } } }],
    },
  );
  assert.deepEqual(row(p), ["p", "0/1", "Init:0/1", "0", "60m"]);
});

test("a crashlooping init container shows Init:CrashLoopBackOff", () => {
  const p = pod(
    { initContainers: [{ name: "one" }, { name: "two" }], containers: [{ name: "app" }] },
    {
      phase: "Pending",
      initContainerStatuses: [
        { name: "one", ready: true, restartCount: 0, image: "", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } },
        {
          name: "two", ready: false, restartCount: 4, image: "", imageID: "", state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 1, finishedAt: "2024-05-01T11:58:00Z" } },
        },
      ],
    },
  );
  assert.deepEqual(row(p), ["p", "0/1", "Init:CrashLoopBackOff", "4 (2m ago)", "60m"]);
});

test("a failed init container without a reason shows its exit code or signal", () => {
  const failing = (terminated: { exitCode: number; signal?: number }) => pod(
    { initContainers: [{ name: "init" }], containers: [{ name: "app" }] },
    { phase: "Pending", initContainerStatuses: [{ name: "init", ready: false, restartCount: 0, image: "", imageID: "", state: { terminated } }] },
  );
  assert.equal(row(failing({ exitCode: 2 }))[2], "Init:ExitCode:2");
  assert.equal(row(failing({ exitCode: 137, signal: 9 }))[2], "Init:Signal:9");
});

test("a crashlooping container shows the waiting reason and restarts with the last restart's age", () => {
  const p = pod(
    { containers: [{ name: "app" }, { name: "side" }] },
    {
      phase: "Running",
      containerStatuses: [
        {
          name: "app", ready: false, restartCount: 3, image: "", imageID: "", state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 1, finishedAt: "2024-05-01T11:55:00Z" } },
        },
        {
          name: "side", ready: true, restartCount: 2, image: "", imageID: "", state: running,
          lastState: { terminated: { exitCode: 1, finishedAt: "2024-05-01T11:30:00Z" } },
        },
      ],
    },
  );
  assert.deepEqual(row(p), ["p", "1/2", "CrashLoopBackOff", "5 (5m ago)", "60m"]);
});

test("a pod being deleted shows Terminating, or Unknown when its node was lost", () => {
  const base = { phase: "Running", containerStatuses: [{ name: "app", ready: true, restartCount: 0, image: "", imageID: "", state: running }] };
  const deleting = { deletionTimestamp: "2024-05-01T11:59:00Z" };
  assert.equal(row(pod({ containers: [{ name: "app" }] }, base, deleting))[2], "Terminating");
  assert.equal(row(pod({ containers: [{ name: "app" }] }, { ...base, reason: "NodeLost" }, deleting))[2], "Unknown");
  // Pods that already finished keep their final status while being deleted.
  assert.equal(row(pod({ containers: [{ name: "app" }] }, { phase: "Succeeded" }, deleting))[2], "Succeeded");
});

test("a completed pod shows Completed and nothing ready", () => {
  const p = pod(
    { containers: [{ name: "job" }] },
    {
      phase: "Succeeded",
      containerStatuses: [{ name: "job", ready: false, restartCount: 0, image: "", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } }],
    },
  );
  assert.deepEqual(row(p), ["p", "0/1", "Completed", "0", "60m"]);
});

test("Completed with a container still running reads Running when Ready, NotReady otherwise", () => {
  const status = (ready: boolean): Pod["status"] => ({
    phase: "Running",
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    containerStatuses: [
      { name: "a", ready: true, restartCount: 0, image: "", imageID: "", state: running },
      { name: "b", ready: false, restartCount: 0, image: "", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } },
    ],
  });
  const spec = { containers: [{ name: "a" }, { name: "b" }] };
  assert.equal(row(pod(spec, status(true)))[2], "Running");
  assert.equal(row(pod(spec, status(false)))[2], "NotReady");
});

test("a started sidecar counts toward READY and its restarts stay counted once initialized", () => {
  const p = pod(
    { initContainers: [{ name: "proxy", restartPolicy: "Always" }], containers: [{ name: "app" }] },
    {
      phase: "Running",
      conditions: [{ type: "Initialized", status: "True" }],
      initContainerStatuses: [{ name: "proxy", ready: true, started: true, restartCount: 1, image: "", imageID: "", state: running }],
      containerStatuses: [{ name: "app", ready: true, restartCount: 0, image: "", imageID: "", state: running }],
    },
  );
  assert.deepEqual(row(p), ["p", "2/2", "Running", "1", "60m"]);
});

test("pod reason and scheduling gates override the phase", () => {
  assert.equal(row(pod({ containers: [{ name: "a" }] }, { phase: "Failed", reason: "Evicted" }))[2], "Evicted");
  const gated = pod({ containers: [{ name: "a" }] }, { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] });
  assert.equal(row(gated)[2], "SchedulingGated");
});
