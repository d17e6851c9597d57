import { test } from "node:test";
import assert from "node:assert/strict";
import { validateNamespace } from "./namespace.ts";
import { validateNode } from "./node.ts";
import { validateEndpoints } from "./endpoints.ts";
import { validateEvent } from "./event.ts";

const fields = (errs: { field: string; type: string }[]) => errs.map((e) => `${e.field}:${e.type}`);

test("namespace finalizers must be standard or qualified", () => {
  assert.deepEqual(validateNamespace({ spec: { finalizers: ["kubernetes", "example.com/cleanup"] } }), []);
  assert.deepEqual(fields(validateNamespace({ spec: { finalizers: ["cleanup"] } })), ["spec.finalizers:FieldValueInvalid"]);
});

test("node taints, pod CIDRs and immutability", () => {
  assert.deepEqual(validateNode({ spec: { podCIDR: "10.244.0.0/24", taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } }, {}), []);
  assert.deepEqual(fields(validateNode({ spec: { taints: [{ key: "a", effect: "Sometimes" }, { key: "a", effect: "Sometimes" }] } }, {})),
    ["metadata.taints[0].effect:FieldValueNotSupported", "metadata.taints[1].effect:FieldValueNotSupported", "metadata.taints[1]:FieldValueDuplicate"]);
  assert.deepEqual(fields(validateNode({ spec: { podCIDRs: ["10.0.0.0/33"] } }, {})), ["spec.podCIDRs[0]:FieldValueInvalid"]);
  assert.deepEqual(fields(validateNode({ spec: { podCIDRs: ["10.0.0.0/24", "10.1.0.0/24"] } }, {})), ["spec.podCIDRs:FieldValueInvalid"]);
  assert.deepEqual(validateNode({ spec: { podCIDR: "10.244.1.0/24" } }, { old: { spec: {} } }), []);
  assert.deepEqual(fields(validateNode({ spec: { podCIDR: "10.244.2.0/24" } }, { old: { spec: { podCIDR: "10.244.1.0/24" } } })), ["spec.podCIDRs:FieldValueForbidden"]);
  assert.deepEqual(fields(validateNode({ status: { capacity: { cpu: "-1" } } }, {})), ["status.capacity.cpu:FieldValueInvalid"]);
});

test("endpoints need addresses and reject special IPs", () => {
  const ok = { subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports: [{ port: 80, protocol: "TCP" }] }] };
  assert.deepEqual(validateEndpoints(ok), []);
  assert.deepEqual(fields(validateEndpoints({ subsets: [{ ports: [{ port: 80, protocol: "TCP" }] }] })), ["subsets[0]:FieldValueRequired"]);
  for (const ip of ["127.0.0.1", "0.0.0.0", "169.254.1.1", "::1", "fe80::1", "224.0.0.5"]) {
    assert.deepEqual(fields(validateEndpoints({ subsets: [{ addresses: [{ ip }] }] })), ["subsets[0].addresses[0].ip:FieldValueInvalid"], ip);
  }
  assert.deepEqual(validateEndpoints({ subsets: [{ addresses: [{ ip: "2001:db8::5" }] }] }), []);
  assert.deepEqual(fields(validateEndpoints({ subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80, protocol: "TCP" }, { port: 81, protocol: "TCP" }] }] })),
    ["subsets[0].ports[0].name:FieldValueRequired", "subsets[0].ports[1].name:FieldValueRequired"]);
});

test("events: namespaces agree, new-style events need reporting fields", () => {
  assert.deepEqual(validateEvent({ metadata: { namespace: "default" }, involvedObject: { kind: "Pod", namespace: "default" } }), []);
  assert.deepEqual(validateEvent({ metadata: { namespace: "default" }, involvedObject: { kind: "Node" } }), []);
  assert.deepEqual(fields(validateEvent({ metadata: { namespace: "a" }, involvedObject: { namespace: "b" } })), ["involvedObject.namespace:FieldValueInvalid"]);
  assert.deepEqual(fields(validateEvent({ metadata: { namespace: "a" }, involvedObject: { namespace: "a" }, eventTime: "2024-01-01T00:00:00.000000Z" })),
    ["source:FieldValueRequired", "source:FieldValueInvalid", "source:FieldValueInvalid", "reportingInstance:FieldValueRequired", "action:FieldValueRequired", "reason:FieldValueRequired"]);
});
