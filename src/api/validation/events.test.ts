import { test } from "node:test";
import assert from "node:assert/strict";
import { validateEvent } from "./events.ts";

const event = (over: Record<string, unknown> = {}): any => ({
  metadata: { name: "e", namespace: "default" }, eventTime: "2024-01-01T00:00:00.000000Z", type: "Normal", reason: "Started",
  action: "Start", reportingController: "example.com/ctl", reportingInstance: "ctl-1", regarding: { kind: "Pod", name: "p", namespace: "default" }, ...over,
});

test("events.k8s.io Event: a complete event is valid", () => {
  assert.deepEqual(validateEvent(event(), {}), []);
});

test("events.k8s.io Event: required fields use upstream's (core) field names", () => {
  const errs = validateEvent(event({ eventTime: undefined, type: "Odd", deprecatedCount: 3 }), {});
  assert.deepEqual(errs.map((e) => [e.field, e.type, e.detail]), [
    ["eventTime", "FieldValueRequired", undefined], ["type", "FieldValueInvalid", "has invalid value: Odd"], ["count", "FieldValueInvalid", "needs to be unset"],
  ]);
  const missing = validateEvent(event({ reportingController: "", reportingInstance: "", action: "", reason: "", note: "x".repeat(1025) }), {});
  assert.deepEqual(missing.filter((e) => e.type === "FieldValueRequired").map((e) => e.field), ["reportingController", "reportingInstance", "action", "reason"]);
  assert.ok(missing.some((e) => e.field === "message" && e.detail === "can have at most 1024 characters"));
  assert.deepEqual(validateEvent(event({ series: { count: 1 } }), {}).map((e) => e.field), ["series.count", "series.lastObservedTime"]);
});

test("events.k8s.io Event: most fields are immutable; the series may change", () => {
  const old = event();
  assert.deepEqual(validateEvent(event({ series: { count: 2, lastObservedTime: "2024-01-01T00:01:00.000000Z" } }), { old }), []);
  assert.deepEqual(validateEvent(event({ eventTime: "2024-01-01T00:00:00.0000001Z" }), { old }), []);
  assert.deepEqual(validateEvent(event({ note: "changed", eventTime: "2024-01-01T00:00:01.000000Z" }), { old }).map((e) => e.field), ["message", "eventTime"]);
});
