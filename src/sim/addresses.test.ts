import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_POD_RANGE_NODES, MAX_NODE_INDEX, nodeInternalIp, podCidrFor } from "./addresses.ts";

test("node addresses: distinct, readable, inside 198.18.0.0/15", () => {
  assert.equal(nodeInternalIp(0), "198.18.0.1");
  assert.equal(nodeInternalIp(249), "198.18.0.250");
  assert.equal(nodeInternalIp(250), "198.18.1.1");
  assert.equal(nodeInternalIp(MAX_NODE_INDEX), "198.19.255.250");
  const ips = new Set(Array.from({ length: 20_000 }, (_, i) => nodeInternalIp(i)));
  assert.equal(ips.size, 20_000);
  assert.throws(() => nodeInternalIp(MAX_NODE_INDEX + 1), RangeError);
});

test("pod ranges: spec.podCIDR wins, else a /24 per node carved from 10.64.0.0/10", () => {
  assert.equal(podCidrFor(3, "10.244.9.0/24").toString(), "10.244.9.0/24");
  assert.equal(podCidrFor(0, undefined).toString(), "10.64.0.0/24");
  assert.equal(podCidrFor(4999, undefined).toString(), "10.83.135.0/24");
  assert.equal(DEFAULT_POD_RANGE_NODES, 16384);
  assert.equal(podCidrFor(DEFAULT_POD_RANGE_NODES - 1, undefined).toString(), "10.127.255.0/24");
  assert.throws(() => podCidrFor(DEFAULT_POD_RANGE_NODES, undefined), RangeError);
});
