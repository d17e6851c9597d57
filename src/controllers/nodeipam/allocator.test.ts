import { test } from "node:test";
import assert from "node:assert/strict";
import { SubnetAllocator } from "./allocator.ts";

test("subnets are handed out lowest first, skipping taken ones, until the range is exhausted", () => {
  const a = new SubnetAllocator("10.42.0.0/22", 24);
  a.occupy("10.42.0.0/24");
  a.occupy("192.168.0.0/24"); // outside: ignored
  assert.equal(a.allocate(), "10.42.1.0/24");
  assert.equal(a.allocate(), "10.42.2.0/24");
  assert.equal(a.allocate(), "10.42.3.0/24");
  assert.equal(a.allocate(), undefined);
  a.release("10.42.2.0/24");
  assert.equal(a.allocate(), "10.42.2.0/24");
});

test("a subnet larger than the cluster range is refused", () => {
  assert.throws(() => new SubnetAllocator("10.42.0.0/24", 16));
});
