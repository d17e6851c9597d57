import { test } from "node:test";
import assert from "node:assert/strict";
import { Expectations } from "./expectations.ts";

test("creations are satisfied once each is observed", () => {
  const e = new Expectations();
  assert.ok(e.satisfied("ns/rs"), "nothing recorded: satisfied");
  e.expectCreations("ns/rs", 2);
  assert.ok(!e.satisfied("ns/rs"));
  e.creationObserved("ns/rs");
  assert.ok(!e.satisfied("ns/rs"));
  e.creationObserved("ns/rs");
  assert.ok(e.satisfied("ns/rs"));
});

test("deletions count each expected pod once, and ignore pods not expected", () => {
  const e = new Expectations();
  e.expectDeletions("ns/rs", ["ns/a", "ns/b"]);
  e.deletionObserved("ns/rs", "ns/a");
  e.deletionObserved("ns/rs", "ns/a");
  e.deletionObserved("ns/rs", "ns/other");
  assert.ok(!e.satisfied("ns/rs"));
  e.deletionObserved("ns/rs", "ns/b");
  assert.ok(e.satisfied("ns/rs"));
});

test("expectations expire after the TTL and can be dropped", () => {
  let now = 1000;
  const e = new Expectations({ ttlMs: 100, now: () => now });
  e.expectCreations("ns/rs", 1);
  now += 100;
  assert.ok(!e.satisfied("ns/rs"));
  now += 1;
  assert.ok(e.satisfied("ns/rs"), "expired");
  e.expectCreations("ns/other", 3);
  e.delete("ns/other");
  assert.ok(e.satisfied("ns/other"));
});
