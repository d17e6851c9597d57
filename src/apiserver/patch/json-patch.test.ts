import { test } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../../api/errors.ts";
import { applyJsonPatch } from "./json-patch.ts";

const doc = () => ({
  metadata: { name: "web", labels: { app: "web" }, annotations: { "a/b": "slash", "m~n": "tilde" } },
  spec: { containers: [{ name: "a", image: "a:1", args: ["x", "y"] }] },
});

interface Case {
  name: string;
  patch: unknown[];
  want: (d: ReturnType<typeof doc>) => unknown;
}

const cases: Case[] = [
  {
    name: "add a new member",
    patch: [{ op: "add", path: "/metadata/labels/tier", value: "front" }],
    want: (d) => ((d.metadata.labels as Record<string, string>).tier = "front"),
  },
  {
    name: "add replaces an existing member",
    patch: [{ op: "add", path: "/metadata/name", value: "other" }],
    want: (d) => (d.metadata.name = "other"),
  },
  {
    name: "add with - appends to an array",
    patch: [{ op: "add", path: "/spec/containers/0/args/-", value: "z" }],
    want: (d) => d.spec.containers[0].args.push("z"),
  },
  {
    name: "add at an index inserts",
    patch: [{ op: "add", path: "/spec/containers/0/args/1", value: "w" }],
    want: (d) => d.spec.containers[0].args.splice(1, 0, "w"),
  },
  {
    name: "add at a negative index counts from the end (as upstream's library does)",
    patch: [{ op: "add", path: "/spec/containers/0/args/-1", value: "end" }],
    want: (d) => d.spec.containers[0].args.push("end"),
  },
  {
    name: "replace by escaped paths (~1 is /, ~0 is ~)",
    patch: [
      { op: "replace", path: "/metadata/annotations/a~1b", value: "1" },
      { op: "replace", path: "/metadata/annotations/m~0n", value: "2" },
    ],
    want: (d) => (d.metadata.annotations = { "a/b": "1", "m~n": "2" }),
  },
  {
    name: "remove a member and an array element",
    patch: [
      { op: "remove", path: "/metadata/labels/app" },
      { op: "remove", path: "/spec/containers/0/args/0" },
    ],
    want: (d) => {
      d.metadata.labels = {} as typeof d.metadata.labels;
      d.spec.containers[0].args = ["y"];
    },
  },
  {
    name: "remove the last element with a negative index",
    patch: [{ op: "remove", path: "/spec/containers/0/args/-1" }],
    want: (d) => d.spec.containers[0].args.pop(),
  },
  {
    name: "test that passes, then replace",
    patch: [
      { op: "test", path: "/spec/containers/0", value: { args: ["x", "y"], image: "a:1", name: "a" } },
      { op: "replace", path: "/spec/containers/0/image", value: "a:2" },
    ],
    want: (d) => (d.spec.containers[0].image = "a:2"),
  },
  {
    name: "test of a missing member against null passes",
    patch: [{ op: "test", path: "/metadata/namespace", value: null }],
    want: () => {},
  },
  {
    name: "move",
    patch: [{ op: "move", from: "/metadata/labels", path: "/metadata/annotations" }],
    want: (d) => {
      d.metadata.annotations = { app: "web" } as unknown as typeof d.metadata.annotations;
      delete (d.metadata as Partial<typeof d.metadata>).labels;
    },
  },
  {
    name: "move within an array resolves the destination after removal",
    patch: [{ op: "move", from: "/spec/containers/0/args/0", path: "/spec/containers/0/args/1" }],
    want: (d) => (d.spec.containers[0].args = ["y", "x"]),
  },
  {
    name: "copy makes an independent copy",
    patch: [
      { op: "copy", from: "/spec/containers/0", path: "/spec/containers/-" },
      { op: "replace", path: "/spec/containers/1/name", value: "b" },
    ],
    want: (d) => d.spec.containers.push({ name: "b", image: "a:1", args: ["x", "y"] }),
  },
  {
    name: "a missing value is taken as null",
    patch: [{ op: "add", path: "/metadata/labels/x" }],
    want: (d) => ((d.metadata.labels as Record<string, unknown>).x = null),
  },
  { name: "a null patch changes nothing", patch: null as unknown as unknown[], want: () => {} },
];

for (const t of cases) {
  test(`json patch: ${t.name}`, () => {
    const input = doc();
    const before = structuredClone(input);
    const expected = doc();
    t.want(expected);
    assert.deepEqual(applyJsonPatch(input, t.patch), expected);
    assert.deepEqual(input, before, "the input document is untouched");
  });
}

const rejected = (e: unknown) =>
  e instanceof StatusError &&
  e.code === 422 &&
  e.reason === "Invalid" &&
  e.status.message === "the server rejected our request due to an error in our request" &&
  JSON.stringify(e.status.details) === "{}";

const failures: [string, unknown[]][] = [
  ["a failing test", [{ op: "test", path: "/metadata/name", value: "other" }]],
  ["a test under a missing parent", [{ op: "test", path: "/status/phase", value: null }]],
  ["replace of a missing member", [{ op: "replace", path: "/metadata/namespace", value: "x" }]],
  ["remove of a missing member", [{ op: "remove", path: "/metadata/labels/nope" }]],
  ["remove past the end of an array", [{ op: "remove", path: "/spec/containers/0/args/2" }]],
  ["add under a missing parent", [{ op: "add", path: "/status/phase", value: "x" }]],
  ["add beyond the end of an array", [{ op: "add", path: "/spec/containers/0/args/3", value: "x" }]],
  ["a non-numeric array index", [{ op: "replace", path: "/spec/containers/first/image", value: "x" }]],
  ["a path without a leading slash", [{ op: "add", path: "metadata/x", value: 1 }]],
  ["the root path", [{ op: "replace", path: "", value: {} }]],
  ["move from a missing path", [{ op: "move", from: "/nope", path: "/x" }]],
  ["copy without from", [{ op: "copy", path: "/x" }]],
  ["an unknown op", [{ op: "_get", path: "/metadata" }]],
  ["an op without a path", [{ op: "remove" }]],
  ["a null operation", [null]],
  ["a __proto__ path", [{ op: "add", path: "/__proto__/polluted", value: true }]],
  ["a later failure after earlier successes", [{ op: "add", path: "/metadata/labels/x", value: "1" }, { op: "test", path: "/metadata/labels/x", value: "2" }]],
];

for (const [name, patch] of failures) {
  test(`json patch rejects ${name} with upstream's bare 422`, () => {
    assert.throws(() => applyJsonPatch(doc(), patch), rejected);
  });
}

const malformed: [string, unknown, number, string][] = [
  ["an object instead of an array", { op: "add" }, 400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"],
  ["a string operation", ["add"], 400, "json: cannot unmarshal string into Go value of type jsonpatch.Operation"],
  [
    "more than 10000 operations",
    Array.from({ length: 10001 }, () => ({ op: "test", path: "/metadata/name", value: "web" })),
    413,
    "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
  ],
];

for (const [name, patch, code, message] of malformed) {
  test(`json patch rejects ${name} with ${code}`, () => {
    assert.throws(() => applyJsonPatch(doc(), patch), (e: unknown) => e instanceof StatusError && e.code === code && e.status.message === message);
  });
}

test("json patch: the result shares no objects with the patch", () => {
  const value = { a: 1 };
  const got = applyJsonPatch({}, [{ op: "add", path: "/x", value }]) as { x: { a: number } };
  got.x.a = 2;
  assert.equal(value.a, 1);
});
