import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultEndpointSlice } from "../defaults/discovery.ts";
import { validateEndpointSlice } from "./discovery.ts";

const slice = (addressType: string, addresses: string[], ports: unknown[] = [{ port: 80 }]): any => {
  const es: any = { metadata: {}, addressType, endpoints: [{ addresses }], ports };
  defaultEndpointSlice(es);
  return es;
};

test("EndpointSlice: ports default to unnamed TCP", () => {
  assert.deepEqual(slice("IPv4", ["10.0.0.1"]).ports, [{ port: 80, name: "", protocol: "TCP" }]);
});

test("EndpointSlice: addresses are checked against the address type", () => {
  assert.deepEqual(validateEndpointSlice(slice("IPv4", ["10.0.0.1"]), {}), []);
  assert.deepEqual(validateEndpointSlice(slice("IPv6", ["fd00::1"]), {}), []);
  assert.deepEqual(validateEndpointSlice(slice("FQDN", ["db.example.com"]), {}), []);
  const detail = (es: any) => validateEndpointSlice(es, {}).map((e) => e.detail);
  assert.deepEqual(detail(slice("IPv4", ["fd00::1"])), ["must be a valid IPv4 address"]);
  assert.deepEqual(detail(slice("IPv6", ["10.0.0.1"])), ["must be a valid IPv6 address"]);
  assert.deepEqual(detail(slice("IPv4", ["127.0.0.1"])), ["may not be in the loopback range (127.0.0.0/8, ::1/128)"]);
  assert.deepEqual(detail(slice("IPv4", ["169.254.1.1"])), ["may not be in the link-local range (169.254.0.0/16, fe80::/10)"]);
  assert.deepEqual(detail(slice("FQDN", ["localhost"])), ["should be a domain with at least two segments separated by dots"]);
  assert.deepEqual(detail(slice("IPv4", [])), ["must contain at least 1 address"]);
  assert.deepEqual(validateEndpointSlice(slice("IPX", ["1.2.3.4"]), {}).map((e) => e.type), ["FieldValueNotSupported"]);
});

test("EndpointSlice: ports are unique and known; the address type is immutable", () => {
  const dup = slice("IPv4", ["10.0.0.1"], [{ name: "http", port: 80 }, { name: "http", port: 81, protocol: "ICMP" }]);
  assert.deepEqual(validateEndpointSlice(dup, {}).map((e) => [e.field, e.type]), [["ports[1].name", "FieldValueDuplicate"], ["ports[1].protocol", "FieldValueNotSupported"]]);
  const old = slice("IPv4", ["10.0.0.1"]);
  assert.deepEqual(validateEndpointSlice(slice("FQDN", ["a.example.com"]), { old }).map((e) => [e.field, e.detail]), [["addressType", "field is immutable"]]);
});
