import { test } from "node:test";
import assert from "node:assert/strict";
import { numFeasibleNodesToFind } from "./node-sampling.ts";

test("adaptive share of nodes to find, as upstream", () => {
  assert.equal(numFeasibleNodesToFind(0, 50), 50);
  assert.equal(numFeasibleNodesToFind(0, 100), 100);
  assert.equal(numFeasibleNodesToFind(0, 1000), 420);
  assert.equal(numFeasibleNodesToFind(0, 5000), 500);
  // 50 - 6000/125 = 2%, raised to the 5% floor.
  assert.equal(numFeasibleNodesToFind(0, 6000), 300);
  assert.equal(numFeasibleNodesToFind(0, 1500), 1500 * 38 / 100);
  assert.equal(numFeasibleNodesToFind(10, 500), 100);
  assert.equal(numFeasibleNodesToFind(100, 500), 500);
});
