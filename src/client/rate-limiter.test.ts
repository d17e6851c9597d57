import { test } from "node:test";
import assert from "node:assert/strict";
import { BucketLimiter, ItemExponentialLimiter, MaxOfLimiter, defaultControllerRateLimiter } from "./rate-limiter.ts";

test("exponential backoff per item: 5 ms doubling, capped, reset by forget", () => {
  const l = new ItemExponentialLimiter<string>({ maxMs: 100 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => l.when("a")), [5, 10, 20, 40, 80, 100]);
  assert.equal(l.retries("a"), 6);
  assert.equal(l.when("b"), 5, "items back off independently");
  l.forget("a");
  assert.equal(l.retries("a"), 0);
  assert.equal(l.when("a"), 5);
});

test("exponential backoff stays at the cap however many failures", () => {
  const l = new ItemExponentialLimiter<string>();
  let last = 0;
  for (let i = 0; i < 2000; i++) last = l.when("a");
  assert.equal(last, 1_000_000);
});

test("token bucket: no delay within the burst, then delays growing by 1/qps; refills over time up to the burst", () => {
  let now = 0;
  const l = new BucketLimiter<string>({ qps: 10, burst: 3, now: () => now });
  assert.deepEqual([1, 2, 3].map(() => l.when()), [0, 0, 0]);
  assert.equal(l.when(), 100);
  assert.equal(l.when(), 200, "each retry past the burst waits behind the ones before it");
  now += 100;
  assert.equal(l.when(), 200, "100 ms earned one token back");
  now += 60_000;
  assert.deepEqual([1, 2, 3, 4].map(() => l.when()), [0, 0, 0, 100], "an idle bucket holds no more than the burst");
});

test("the default controller limiter is the larger of per-item backoff and the shared bucket", () => {
  const items = new ItemExponentialLimiter<string>();
  const bucket = new BucketLimiter<string>({ qps: 10, burst: 1, now: () => 0 });
  const l = new MaxOfLimiter<string>(items, bucket);
  assert.equal(l.when("a"), 5, "bucket has a token: backoff decides");
  assert.equal(l.when("b"), 100, "bucket is empty: it decides");
  assert.equal(l.retries("a"), 1);
  l.forget("a");
  assert.equal(l.retries("a"), 0);

  const d = defaultControllerRateLimiter<string>();
  assert.deepEqual([d.when("x"), d.when("x"), d.when("x")], [5, 10, 20]);
});
