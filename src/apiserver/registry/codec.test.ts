// The stored encoding and the resourceVersion splice must agree with a real decode-and-encode.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeStored, encodeForStorage, withVersionJson } from "./codec.ts";

test("withVersionJson equals decoding and re-encoding with the revision", () => {
  const objs = [
    { kind: "ConfigMap", apiVersion: "v1", data: { note: 'has "metadata":{ inside' }, metadata: { name: "a", resourceVersion: "9" } },
    { spec: { template: { metadata: { labels: { a: "b" } } } }, apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } },
    { apiVersion: "v1", kind: "Namespace", metadata: {} },
  ];
  for (const o of objs) {
    const stored = encodeForStorage(o);
    assert.equal(stored.includes('"resourceVersion"'), false);
    assert.deepEqual(JSON.parse(withVersionJson(stored, 42)), decodeStored(stored, 42));
    assert.equal(JSON.parse(withVersionJson(stored, 42)).metadata.resourceVersion, "42");
  }
});
