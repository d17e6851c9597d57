import { test } from "node:test";
import assert from "node:assert/strict";
import { reverseName } from "./reverse-name.ts";

test("reverse names of IPv4 and every spelling of an IPv6 address", () => {
  assert.equal(reverseName("10.43.0.1"), "1.0.43.10.in-addr.arpa");
  const full = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
  assert.equal(reverseName("fd00::1"), full);
  assert.equal(reverseName("FD00:0:0:0:0:0:0:1"), full);
  assert.equal(reverseName("::ffff:10.0.0.1"), "1.0.0.0.0.0.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa");
  assert.equal(reverseName("not-an-ip"), undefined);
});
