import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUpstream, resolvConfNameservers } from "./upstream-config.ts";

test("upstream specs: ip, ip:port, [ipv6]:port; junk is refused", () => {
  assert.deepEqual(parseUpstream("10.0.0.2"), { address: "10.0.0.2", port: 53 });
  assert.deepEqual(parseUpstream("10.0.0.2:5353"), { address: "10.0.0.2", port: 5353 });
  assert.deepEqual(parseUpstream("fd00::1"), { address: "fd00::1", port: 53 });
  assert.deepEqual(parseUpstream("[fd00::1]:54"), { address: "fd00::1", port: 54 });
  for (const bad of ["dns.example", "10.0.0.2:0", "10.0.0.2:70000", "[fd00::1]"]) assert.throws(() => parseUpstream(bad), /want "ip" or "ip:port"/);
});

test("resolv.conf: nameserver lines in order, comments and zone indexes dropped", () => {
  const text = "# generated\nsearch example.com\nnameserver 10.0.0.2\nnameserver fe80::1%eth0 ; link-local\noptions ndots:5\nnameserver bogus\n;nameserver 10.9.9.9\n";
  assert.deepEqual(resolvConfNameservers(text), ["10.0.0.2", "fe80::1"]);
});
