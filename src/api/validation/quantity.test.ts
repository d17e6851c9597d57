import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalQuantity, compareQuantities, parseQuantity, quantityToNumber } from "./quantity.ts";

test("canonical forms match upstream's serialization", () => {
  const cases: Array<[string | number, string]> = [
    ["1", "1"], ["1000m", "1"], ["0.5", "500m"], ["100m", "100m"], ["1.5Gi", "1536Mi"], ["1024Mi", "1Gi"],
    ["1.5Ki", "1536"], ["512", "512"], ["1Ki", "1Ki"], ["2000", "2k"], ["1500", "1500"], ["12e6", "12e6"],
    ["1e3", "1e3"], ["1.5e3", "1500"], ["0", "0"], ["0Gi", "0"], ["-1", "-1"], ["-100m", "-100m"],
    ["0.1n", "1n"], ["1E", "1E"], [".5", "500m"], ["5.", "5"], ["+3", "3"], [2, "2"], [0.25, "250m"], ["128974848", "128974848"],
    ["129e6", "129e6"], ["123Mi", "123Mi"], ["1M", "1M"],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, `canonical of ${input}`);
});

test("malformed quantities are rejected", () => {
  for (const bad of ["", "abc", "1.2.3", "1Kb", "1 Gi", "Gi", ".", "1e", "--1", "1ee3", "1mi"]) {
    assert.equal(parseQuantity(bad), undefined, bad);
  }
});

test("comparison is exact across formats", () => {
  const q = (s: string) => parseQuantity(s)!;
  assert.equal(compareQuantities(q("1Gi"), q("1073741824")), 0);
  assert.equal(compareQuantities(q("1G"), q("1Gi")), -1);
  assert.equal(compareQuantities(q("500m"), q("0.4")), 1);
  assert.equal(quantityToNumber(q("250m")), 0.25);
});
