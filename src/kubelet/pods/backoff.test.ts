import { test } from "node:test";
import assert from "node:assert/strict";
import { RestartBackoff } from "./backoff.ts";

test("the first restart is immediate, then waits double from 10 s up to 5 min", () => {
  const b = new RestartBackoff();
  let now = 0;
  const waits: number[] = [];
  for (let i = 0; i < 8; i++) {
    const until = b.waitUntil("u/a", now);
    waits.push(until - now);
    now = until;
    b.restarted("u/a", now);
  }
  assert.deepEqual(waits, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
});

test("a long quiet spell starts over; pods are forgotten separately", () => {
  const b = new RestartBackoff();
  b.restarted("u/a", 0);
  b.restarted("u/a", 10_000);
  assert.equal(b.waitUntil("u/a", 10_000), 30_000);
  b.restarted("u/a", 10_000 + 700_000);
  assert.equal(b.waitUntil("u/a", 710_000), 720_000);
  b.restarted("v/a", 0);
  b.forgetPod("u");
  assert.equal(b.waitUntil("u/a", 710_000), 710_000);
  assert.equal(b.waitUntil("v/a", 0), 10_000);
});
