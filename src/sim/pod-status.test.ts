import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { containerId, imageId, podStatusCurrent, runningPodStatus, terminatedPodStatus } from "./pod-status.ts";

const net = { hostIP: "198.18.0.2", podIP: "10.64.1.2" };
const pod = (extra: Partial<Pod["spec"]> = {}, status?: Pod["status"]): Pod => ({
  metadata: { name: "p", namespace: "default", uid: "u-1" },
  spec: { nodeName: "sim-1", containers: [{ name: "app", image: "nginx:1.27" }], ...extra },
  status: status ?? { phase: "Pending", qosClass: "BestEffort" },
});

test("a running pod: every container started and ready, conditions True, addresses set, server fields kept", () => {
  const s = runningPodStatus(pod({ initContainers: [{ name: "setup", image: "busybox" }, { name: "proxy", image: "envoy", restartPolicy: "Always" }] }), net, "2025-01-01T00:00:00Z");
  assert.equal(s.phase, "Running");
  assert.equal(s.qosClass, "BestEffort");
  assert.deepEqual(s.conditions!.map((c) => `${c.type}=${c.status}`), ["PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"]);
  assert.deepEqual([s.hostIP, s.podIP, s.hostIPs, s.podIPs], ["198.18.0.2", "10.64.1.2", [{ ip: "198.18.0.2" }], [{ ip: "10.64.1.2" }]]);
  const app = s.containerStatuses![0]!;
  assert.deepEqual([app.ready, app.started, app.restartCount, app.image], [true, true, 0, "nginx:1.27"]);
  assert.equal(app.containerID, containerId("u-1", "app"));
  assert.match(app.containerID!, /^sim:\/\/[0-9a-f]{64}$/);
  assert.match(app.imageID, /^nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(app.state!.running!.startedAt, "2025-01-01T00:00:00Z");
  const [setup, proxy] = s.initContainerStatuses!;
  assert.deepEqual(setup!.state!.terminated && [setup!.state!.terminated.exitCode, setup!.state!.terminated.reason], [0, "Completed"]);
  assert.ok(proxy!.state!.running && proxy!.ready, "a sidecar init container keeps running");
});

test("times already reported are kept, so a second pass changes nothing", () => {
  const first = pod({}, runningPodStatus(pod(), net, "2025-01-01T00:00:00Z"));
  const again = runningPodStatus(first, net, "2025-01-01T00:05:00Z");
  assert.deepEqual(again, first.status);
  assert.ok(podStatusCurrent(first, again));
  assert.ok(!podStatusCurrent(pod(), again));
  assert.ok(!podStatusCurrent(first, runningPodStatus(first, { ...net, podIP: "10.64.1.3" }, "2025-01-01T00:05:00Z")));
});

test("unmet readiness gates hold Ready back; conditions others own are kept", () => {
  const gated = pod({ readinessGates: [{ conditionType: "example.com/lb" }] }, { phase: "Pending", conditions: [{ type: "DisruptionTarget", status: "False" }] });
  const s = runningPodStatus(gated, net, "2025-01-01T00:00:00Z");
  const ready = s.conditions!.find((c) => c.type === "Ready")!;
  assert.deepEqual([ready.status, ready.reason], ["False", "ReadinessGatesNotReady"]);
  assert.match(ready.message!, /example\.com\/lb/);
  assert.ok(s.conditions!.some((c) => c.type === "DisruptionTarget"));
  gated.status!.conditions!.push({ type: "example.com/lb", status: "True" });
  assert.equal(runningPodStatus(gated, net, "2025-01-01T00:00:00Z").conditions!.find((c) => c.type === "Ready")!.status, "True");
});

test("a terminated pod: Succeeded, containers exited 0, not ready", () => {
  const running = pod({}, runningPodStatus(pod(), net, "2025-01-01T00:00:00Z"));
  const s = terminatedPodStatus(running, net, "2025-01-01T00:01:00Z");
  assert.equal(s.phase, "Succeeded");
  const t = s.containerStatuses![0]!.state!.terminated!;
  assert.deepEqual([t.exitCode, t.startedAt, t.finishedAt], [0, "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z"]);
  assert.equal(s.conditions!.find((c) => c.type === "Ready")!.status, "False");
});

test("image ids keep the repository, drop the tag, and leave digests alone", () => {
  assert.match(imageId("registry.local:5000/team/app:v2"), /^registry\.local:5000\/team\/app@sha256:/);
  assert.match(imageId("registry.local:5000/team/app"), /^registry\.local:5000\/team\/app@sha256:/);
  assert.equal(imageId("app@sha256:abc"), "app@sha256:abc");
});
