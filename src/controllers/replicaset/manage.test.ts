import { test } from "node:test";
import assert from "node:assert/strict";
import { slowStartBatch } from "./manage.ts";

test("slow start runs batches of 1, 2, 4, ... and stops after a failing batch", async () => {
  let calls = 0;
  assert.deepEqual(await slowStartBatch(10, async () => { calls++; }), { successes: 10 });
  assert.equal(calls, 10);

  let n = 0;
  const failFrom = (k: number) => async () => {
    if (++n >= k) throw new Error("quota");
  };
  // Batches 1, 2, 4: calls 4..7 fail, so the batch of 4 has one success and the batch of 8 never starts.
  const r = await slowStartBatch(15, failFrom(5));
  assert.equal(n, 7);
  assert.equal(r.successes, 4);
  assert.equal((r.error as Error).message, "quota");

  n = 0;
  const first = await slowStartBatch(100, failFrom(1));
  assert.equal(n, 1, "a rejected template costs one request");
  assert.equal(first.successes, 0);
});
