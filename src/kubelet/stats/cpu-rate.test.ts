import { test } from "node:test";
import assert from "node:assert/strict";
import { CpuRateTracker } from "./cpu-rate.ts";

const s = (sec: number, cpuSec: number) => ({ timeNs: sec * 1e9, usageCoreNanoSeconds: cpuSec * 1e9 });

test("a rate needs two samples a window apart; it is the counter's growth over the elapsed time", () => {
  const t = new CpuRateTracker();
  assert.equal(t.observe("c", s(100, 5)), undefined);
  assert.equal(t.observe("c", s(100.5, 5.4)), undefined, "half a second is less than the window");
  // Measured against the first sample, which stayed the baseline: 1.5 core-seconds over 2 s.
  assert.equal(t.observe("c", s(102, 6.5)), 0.75e9);
  // Too soon again: the last rate stands.
  assert.equal(t.observe("c", s(102.2, 6.7)), 0.75e9);
  assert.equal(t.observe("c", s(112, 6.5 + 20)), 2e9);
});

test("objects are tracked apart; a counter going back starts over; retain forgets the gone", () => {
  const t = new CpuRateTracker({ minWindowNs: 0 });
  t.observe("a", s(0, 0));
  t.observe("b", s(0, 10));
  assert.equal(t.observe("a", s(10, 1)), 0.1e9);
  assert.equal(t.observe("b", s(10, 15)), 0.5e9);
  assert.equal(t.observe("b", s(20, 2)), undefined, "a recreated cgroup's counter restarted");
  assert.equal(t.observe("b", s(30, 4)), 0.2e9);
  t.retain(new Set(["b"]));
  assert.equal(t.observe("a", s(40, 5)), undefined, "a was forgotten");
});
