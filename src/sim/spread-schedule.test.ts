import { test } from "node:test";
import assert from "node:assert/strict";
import { dueSlots, statusReportDue } from "./spread-schedule.ts";

test("every node is due exactly once per interval, at an even rate", () => {
  const count = 5000;
  const interval = 10_000;
  const seen = new Array<number>(count).fill(0);
  const perTick: number[] = [];
  for (let t = 20; t <= interval; t += 20) {
    let n = 0;
    for (const { index, cycle } of dueSlots(count, interval, t - 20, t)) {
      assert.equal(cycle, t === interval && index === 0 ? 1 : 0);
      seen[index]!++;
      n++;
    }
    perTick.push(n);
  }
  // Slot 0 of cycle 0 lies at t = 0, outside (0, interval]; cycle 1's slot 0 lies at t = interval, inside.
  assert.deepEqual(new Set(seen), new Set([1]));
  assert.ok(Math.min(...perTick) >= 9 && Math.max(...perTick) <= 11, `per 20 ms tick: ${Math.min(...perTick)}..${Math.max(...perTick)}`);
});

test("irregular ticks neither lose nor repeat slots, and slots come in time order", () => {
  const count = 7;
  const interval = 1000;
  const got: string[] = [];
  let from = 0;
  for (const to of [3, 140, 141, 999, 1000, 1001, 2600, 3000]) {
    for (const s of dueSlots(count, interval, from, to)) got.push(`${s.cycle}:${s.index}`);
    from = to;
  }
  const want: string[] = [];
  for (let cycle = 0; cycle <= 3; cycle++) {
    for (let index = 0; index < count; index++) {
      const at = cycle * interval + (index * interval) / count;
      if (at > 0 && at <= 3000) want.push(`${cycle}:${index}`);
    }
  }
  assert.deepEqual(got, want);
});

test("an empty fleet or an empty window yields nothing", () => {
  assert.deepEqual([...dueSlots(0, 1000, 0, 5000)], []);
  assert.deepEqual([...dueSlots(10, 1000, 500, 500)], []);
});

test("status reports: each node once per report period, an equal share of nodes in every cycle", () => {
  const count = 300;
  const cyclesPerReport = 30;
  const reportsPerNode = new Array<number>(count).fill(0);
  for (let cycle = 0; cycle < cyclesPerReport; cycle++) {
    let inCycle = 0;
    for (let i = 0; i < count; i++) {
      if (statusReportDue(i, cycle, cyclesPerReport)) {
        reportsPerNode[i]!++;
        inCycle++;
      }
    }
    assert.equal(inCycle, count / cyclesPerReport);
  }
  assert.deepEqual(new Set(reportsPerNode), new Set([1]));
});
