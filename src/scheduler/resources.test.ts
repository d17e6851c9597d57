import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, milliValue, podRequests, value } from "./resources.ts";

const c = (name: string, requests?: Record<string, string>, restartPolicy?: string) => ({ name, image: "x", resources: requests && { requests }, restartPolicy });

test("quantities round up to millicores and whole units", () => {
  assert.equal(milliValue("100m"), 100);
  assert.equal(milliValue("1.5"), 1500);
  assert.equal(milliValue("1n"), 1);
  assert.equal(value("1Gi"), 1024 ** 3);
  assert.equal(value("1.5k"), 1500);
  assert.equal(value("100m"), 1);
});

test("app containers add up; a regular init container only raises the peak", () => {
  const pod: Pod = { spec: { containers: [c("a", { cpu: "200m", memory: "1Gi" }), c("b", { cpu: "300m" })], initContainers: [c("i", { cpu: "1", memory: "512Mi" })] } };
  const r = podRequests(pod);
  assert.equal(r.milliCPU, 1000);
  assert.equal(r.memory, 1024 ** 3);
});

test("sidecars (restartPolicy Always) run alongside later init containers and the app", () => {
  const pod: Pod = {
    spec: {
      initContainers: [c("side", { cpu: "200m" }, "Always"), c("init", { cpu: "500m" })],
      containers: [c("app", { cpu: "100m" })],
    },
  };
  // The init container runs next to the sidecar (700m); afterwards sidecar + app need 300m.
  assert.equal(podRequests(pod).milliCPU, 700);
  const late: Pod = { spec: { initContainers: [c("init", { cpu: "100m" }), c("side", { cpu: "400m" }, "Always")], containers: [c("app", { cpu: "100m" })] } };
  assert.equal(podRequests(late).milliCPU, 500);
});

test("overhead and extended resources count; non-scalar unknown names do not", () => {
  const pod: Pod = { spec: { containers: [c("a", { cpu: "1", "example.com/gpu": "2", "hugepages-2Mi": "4Mi", pods: "3" })], overhead: { cpu: "250m" } } };
  const r = podRequests(pod);
  assert.equal(r.milliCPU, 1250);
  assert.deepEqual([...r.scalar!], [["example.com/gpu", 2], ["hugepages-2Mi", 4 * 1024 * 1024]]);
});

test("non-zero requests default missing cpu and memory per container", () => {
  const pod: Pod = { spec: { containers: [c("a"), c("b", { cpu: "0", memory: "1Mi" })] } };
  const r = podRequests(pod, true);
  assert.equal(r.milliCPU, DEFAULT_MILLI_CPU_REQUEST);
  assert.equal(r.memory, DEFAULT_MEMORY_REQUEST + 1024 * 1024);
});
