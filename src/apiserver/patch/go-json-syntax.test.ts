import { test } from "node:test";
import assert from "node:assert/strict";
import { goJsonSyntaxError } from "./go-json-syntax.ts";

// Messages as Go's encoding/json reports them.
const cases: [string, string | undefined][] = [
  ['{"a": [1, 2.5e-3, -0, true, false, null, "s\\n\\u00e9"]}', undefined],
  ["  [ ]  ", undefined],
  ["", "unexpected end of JSON input"],
  ["   ", "unexpected end of JSON input"],
  ['{"a": 1', "unexpected end of JSON input"],
  ["[1, 2", "unexpected end of JSON input"],
  ['"abc', "unexpected end of JSON input"],
  ["-", "unexpected end of JSON input"],
  ["1.", "unexpected end of JSON input"],
  ["nul", "unexpected end of JSON input"],
  ["x", "invalid character 'x' looking for beginning of value"],
  ["{'a': 1}", "invalid character '\\'' looking for beginning of object key string"],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"],
  ['{"a": 1,}', "invalid character '}' looking for beginning of object key string"],
  ["[1,]", "invalid character ']' looking for beginning of value"],
  ["[1 2]", "invalid character '2' after array element"],
  ["{} {}", "invalid character '{' after top-level value"],
  ["01", "invalid character '1' after top-level value"],
  ["-a", "invalid character 'a' in numeric literal"],
  ["1.x", "invalid character 'x' after decimal point in numeric literal"],
  ["1ex", "invalid character 'x' in exponent of numeric literal"],
  ["tru", "unexpected end of JSON input"],
  ["trUe", "invalid character 'U' in literal true (expecting 'u')"],
  ['"a\\x"', "invalid character 'x' in string escape code"],
  ['"\\u12G4"', "invalid character 'G' in \\u hexadecimal character escape"],
  ['"a\tb"', "invalid character '\\t' in string literal"],
  ["\u0001", "invalid character '\\x01' looking for beginning of value"],
  ["\\", "invalid character '\\\\' looking for beginning of value"],
];

for (const [input, want] of cases) {
  test(`go json syntax: ${JSON.stringify(input)}`, () => {
    assert.equal(goJsonSyntaxError(Buffer.from(input)), want);
  });
}

test("go json syntax: a byte outside ASCII is shown as the rune of its value", () => {
  assert.equal(goJsonSyntaxError(Buffer.from([0xc3, 0xa9])), "invalid character 'Ã' looking for beginning of value");
});

test("go json syntax: nesting deeper than 10000 is refused", () => {
  assert.equal(goJsonSyntaxError(Buffer.from("[".repeat(10000) + "]".repeat(10000))), undefined);
  assert.equal(goJsonSyntaxError(Buffer.from("[".repeat(10001))), "invalid character '[' exceeded max depth");
});
