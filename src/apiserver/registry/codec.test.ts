// The stored encoding and the resourceVersion splice must agree with a real decode-and-encode.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeStored, encodeForStorage, metadataJson, withVersionJson } from "./codec.ts";

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

test("metadataJson cuts the metadata out of an encoded object, whatever its strings hold", () => {
  const obj = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "ns", annotations: { tricky: 'a "quoted" } and { brace \\\\ "metadata":{' }, labels: { a: "b" } },
    data: { metadata: "{}" },
  };
  const json = withVersionJson(encodeForStorage(obj), 42);
  const meta = metadataJson(json);
  assert.ok(meta);
  assert.deepEqual(JSON.parse(meta), { ...obj.metadata, resourceVersion: "42" });
  assert.equal(metadataJson('{"kind":"X"}'), undefined);
  assert.deepEqual(JSON.parse(metadataJson(withVersionJson(encodeForStorage({ apiVersion: "v1", kind: "X", metadata: {} }), 7))!), { resourceVersion: "7" });
});
