import { test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1";
import { maxSurge, maxUnavailable, scaledValue } from "./surge.ts";

const rolling = (replicas: number, surge: number | string, unavailable: number | string): Deployment => ({
  spec: { replicas, selector: {}, template: {}, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
});

test("percentages: surge rounds up, unavailability rounds down", () => {
  assert.equal(scaledValue("25%", 3, true), 1);
  assert.equal(scaledValue("25%", 3, false), 0);
  assert.equal(scaledValue("50%", 5, true), 3);
  assert.equal(scaledValue("50%", 5, false), 2);
  assert.equal(scaledValue(4, 100, false), 4);
  assert.equal(scaledValue("x", 10, true), 0);
});

test("limits resolve per strategy; both rounding to zero allows one unavailable pod", () => {
  assert.deepEqual([maxSurge(rolling(10, "30%", "25%")), maxUnavailable(rolling(10, "30%", "25%"))], [3, 2]);
  // 0% surge and 25% of 2 (0.5, rounded down) would stall forever.
  assert.deepEqual([maxSurge(rolling(2, 0, "25%")), maxUnavailable(rolling(2, 0, "25%"))], [0, 1]);
  assert.equal(maxUnavailable(rolling(2, 1, 5)), 2, "never more than the replicas");
  assert.equal(maxUnavailable(rolling(0, 1, 1)), 0);
  const recreate: Deployment = { spec: { replicas: 3, selector: {}, template: {}, strategy: { type: "Recreate" } } };
  assert.deepEqual([maxSurge(recreate), maxUnavailable(recreate)], [0, 0]);
});
