import { test } from "node:test";
import assert from "node:assert/strict";
import { applyMergePatch } from "./merge-patch.ts";

const cases: [string, unknown, unknown, unknown][] = [
  [
    "null deletes, at any depth",
    { metadata: { name: "a", labels: { x: "1", y: "2" } }, spec: { replicas: 1 } },
    { metadata: { labels: { x: null } }, spec: null },
    { metadata: { name: "a", labels: { y: "2" } } },
  ],
  ["objects merge recursively", { a: { b: { c: 1, d: 2 } } }, { a: { b: { d: 3, e: 4 } } }, { a: { b: { c: 1, d: 3, e: 4 } } }],
  ["arrays are replaced, not merged", { list: [{ name: "a" }, { name: "b" }] }, { list: [{ name: "c" }] }, { list: [{ name: "c" }] }],
  ["a scalar replaces an object", { a: { b: 1 } }, { a: "x" }, { a: "x" }],
  ["an object replaces a scalar, without its nulls", { a: "x" }, { a: { b: 1, c: null } }, { a: { b: 1 } }],
  ["a new member is set without its nulls", {}, { a: { b: null, c: { d: null, e: 1 } } }, { a: { c: { e: 1 } } }],
  ["nulls inside objects in a new array are dropped, null elements stay", {}, { l: [{ a: null, b: 1 }, null] }, { l: [{ b: 1 }, null] }],
  ["deleting a missing member is a no-op", { a: 1 }, { b: null }, { a: 1 }],
  ["an empty patch changes nothing", { a: 1 }, {}, { a: 1 }],
  ["a non-object patch replaces the document", { a: 1 }, ["x", { y: null }], ["x", {}]],
  ["a non-object document is replaced by the patch", "text", { a: 1, b: null }, { a: 1 }],
];

for (const [name, doc, patch, want] of cases) {
  test(`merge patch: ${name}`, () => {
    const before = structuredClone({ doc, patch });
    assert.deepEqual(applyMergePatch(doc, patch), want);
    assert.deepEqual({ doc, patch }, before, "inputs are untouched");
  });
}

test("merge patch: the result shares no objects with its inputs", () => {
  const doc = { keep: { a: 1 } };
  const patch = { add: { b: 2 } };
  const got = applyMergePatch(doc, patch) as { keep: { a: number }; add: { b: number } };
  got.keep.a = 9;
  got.add.b = 9;
  assert.deepEqual([doc, patch], [{ keep: { a: 1 } }, { add: { b: 2 } }]);
});

test("merge patch: a __proto__ member is an ordinary field", () => {
  const got = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as object;
  assert.deepEqual(Object.getOwnPropertyDescriptor(got, "__proto__")?.value, { polluted: true });
  assert.equal(Object.getPrototypeOf(got), Object.prototype);
});
