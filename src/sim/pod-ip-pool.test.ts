import { test } from "node:test";
import assert from "node:assert/strict";
import { Ipv4Cidr } from "../util/cidr.ts";
import { PodIpPool } from "./pod-ip-pool.ts";

test("hands out distinct addresses, skipping network, gateway and broadcast", () => {
  const pool = new PodIpPool(new Ipv4Cidr("10.64.3.0/24"));
  const ips = new Set<string>();
  for (let i = 0; i < 253; i++) ips.add(pool.assign(`uid-${i}`)!);
  assert.equal(ips.size, 253);
  assert.ok(!ips.has("10.64.3.0") && !ips.has("10.64.3.1") && !ips.has("10.64.3.255"));
  assert.ok(ips.has("10.64.3.2") && ips.has("10.64.3.254"));
  assert.equal(pool.assign("one-too-many"), undefined);
});

test("a pod keeps its address; a freed address is reused only after the others", () => {
  const pool = new PodIpPool(new Ipv4Cidr("10.64.0.0/29"));
  const a = pool.assign("a");
  assert.equal(a, "10.64.0.2");
  assert.equal(pool.assign("a"), a);
  assert.equal(pool.assign("b"), "10.64.0.3");
  pool.release("a");
  assert.equal(pool.assign("c"), "10.64.0.4");
  assert.equal(pool.assign("d"), "10.64.0.5");
  assert.equal(pool.assign("e"), "10.64.0.6");
  // .7 is the broadcast address; round robin comes back to the freed .2.
  assert.equal(pool.assign("f"), "10.64.0.2");
  assert.equal(pool.assign("g"), undefined);
  assert.equal(pool.inUse, 5);
});

test("a pod's reported address is honoured when free, replaced when taken or out of range", () => {
  const pool = new PodIpPool(new Ipv4Cidr("10.64.7.0/24"));
  assert.equal(pool.assign("old", "10.64.7.77"), "10.64.7.77");
  assert.equal(pool.assign("dup", "10.64.7.77"), "10.64.7.2");
  assert.equal(pool.assign("elsewhere", "10.99.0.5"), "10.64.7.3");
  assert.equal(pool.assign("gateway", "10.64.7.1"), "10.64.7.4");
  assert.equal(pool.assign("garbage", "not-an-ip"), "10.64.7.5");
  pool.release("old");
  assert.equal(pool.assign("again", "10.64.7.77"), "10.64.7.77");
});
