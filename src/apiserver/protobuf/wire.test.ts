import { test } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../../api/errors.ts";
import { utf8, WireReader } from "./wire.ts";
import { varint } from "./testdata/wire-writer.ts";

test("int64 is exact across the whole range, including ten-byte negatives", () => {
  for (const n of [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 53 - 1, -1, -(2 ** 31), -62135596800, -(2 ** 53 - 1)]) {
    assert.equal(new WireReader(varint(n)).int64(), n);
  }
});

test("int32 takes the low 32 bits of a sign-extended varint", () => {
  assert.equal(new WireReader(varint(-5)).int32(), -5);
  assert.equal(new WireReader(varint(2 ** 31 - 1)).int32(), 2 ** 31 - 1);
});

test("reads past the end of the range fail as 400s", () => {
  const r = new WireReader(Buffer.from([0x05, 0x61, 0x62, 0x63]), 0, 3);
  assert.throws(() => r.string(), (err: unknown) => err instanceof StatusError && err.code === 400 && /unexpected end of data/.test(err.message));
  assert.throws(() => new WireReader(Buffer.from([0x80])).varint(), /unexpected end of data in a varint/);
});

test("the short-string decoder agrees with Buffer for ASCII, UTF-8 and long strings", () => {
  for (const s of ["", "kube-system", "héllo wörld", "日本", "x".repeat(200), "é".repeat(40)]) {
    const b = Buffer.from(`..${s}..`);
    assert.equal(utf8(b, 2, b.length - 2), s);
  }
});
