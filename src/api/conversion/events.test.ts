import { test } from "node:test";
import assert from "node:assert/strict";
import { coreToEventsV1, eventsV1ToCore } from "./events.ts";

test("events.k8s.io/v1 and core/v1 Events convert both ways without loss", () => {
  const v1 = {
    apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "web.1", namespace: "default" },
    eventTime: "2026-01-01T00:00:00.000000Z", reportingController: "deployment-controller", reportingInstance: "berth-1",
    action: "Scale", reason: "ScalingReplicaSet", note: "Scaled up replica set web-1 to 3", type: "Normal",
    regarding: { kind: "Deployment", namespace: "default", name: "web", apiVersion: "apps/v1" },
    series: { count: 2, lastObservedTime: "2026-01-01T00:00:05.000000Z" }, deprecatedCount: 2,
  };
  const core = eventsV1ToCore(v1);
  assert.equal(core.apiVersion, "v1");
  assert.equal((core as any).message, "Scaled up replica set web-1 to 3");
  assert.deepEqual((core as any).involvedObject, v1.regarding);
  assert.equal((core as any).reportingComponent, "deployment-controller");
  assert.equal((core as any).count, 2);
  assert.deepEqual(coreToEventsV1(core), v1);
});
