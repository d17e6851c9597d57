import { test } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../../api/errors.ts";
import { parsePatchBody } from "./parse.ts";
import type { PatchType } from "./parse.ts";

const ok: [PatchType, string | Buffer, unknown][] = [
  ["json", '[{"op":"remove","path":"/a"}]', [{ op: "remove", path: "/a" }]],
  ["json", "null", null],
  ["merge", Buffer.from('{"a":null}'), { a: null }],
  ["merge", "[1]", [1]],
  ["strategic", '{"$patch":"delete"}', { $patch: "delete" }],
  ["strategic", "null", {}],
];

for (const [type, body, want] of ok) {
  test(`parsePatchBody ${type} accepts ${String(body)}`, () => {
    assert.deepEqual(parsePatchBody(body, type), want);
  });
}

const bad: [PatchType, string, string][] = [
  ["json", "[{]", "invalid character ']' looking for beginning of object key string"],
  ["json", "", "unexpected end of JSON input"],
  ["json", '{"op":"add"}', "json: cannot unmarshal object into Go value of type jsonpatch.Patch"],
  ["json", "[1]", "json: cannot unmarshal number into Go value of type jsonpatch.Operation"],
  ["strategic", "{a}", "invalid character 'a' looking for beginning of object key string"],
  ["strategic", "[]", "json: cannot unmarshal array into Go value of type map[string]interface {}"],
  ["strategic", '"x"', "json: cannot unmarshal string into Go value of type map[string]interface {}"],
  ["merge", "{a}", "Invalid JSON Patch"],
  ["merge", "null", "Invalid JSON Patch"],
  ["merge", "3", "Invalid JSON Patch"],
];

for (const [type, body, message] of bad) {
  test(`parsePatchBody ${type} rejects ${JSON.stringify(body)} with 400`, () => {
    assert.throws(
      () => parsePatchBody(body, type),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === "BadRequest" && e.status.message === message,
    );
  });
}
