import { test } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../errors.ts";
import { checkSupportedFields, escapeFieldValue, parseFieldSelector } from "./fields.ts";

function badRequestMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 400);
    return e.message;
  }
  assert.fail("expected a BadRequest");
}

const fieldsOf = (o: Record<string, string>) => (f: string) => o[f];

test("=, == and != terms joined by commas", () => {
  const sel = parseFieldSelector("status.phase=Running,spec.nodeName==n1,metadata.name!=skip");
  assert.ok(sel.matches(fieldsOf({ "status.phase": "Running", "spec.nodeName": "n1", "metadata.name": "a" })));
  assert.ok(!sel.matches(fieldsOf({ "status.phase": "Running", "spec.nodeName": "n1", "metadata.name": "skip" })));
  assert.ok(!sel.matches(fieldsOf({ "status.phase": "Pending", "spec.nodeName": "n1" })));
  assert.deepEqual(sel.requirements.map((r) => r.operator), ["!=", "=", "="]);
});

test("a missing field reads as the empty string", () => {
  assert.ok(parseFieldSelector("spec.nodeName=").matches(fieldsOf({})));
  assert.ok(parseFieldSelector("spec.nodeName!=").matches(fieldsOf({ "spec.nodeName": "n" })));
  assert.ok(!parseFieldSelector("spec.nodeName!=").matches(fieldsOf({})));
});

test("escaped commas, equals and backslashes are part of the value", () => {
  const sel = parseFieldSelector(String.raw`metadata.name=a\,b\=c\\d`);
  assert.equal(sel.requirements.length, 1);
  assert.equal(sel.requirements[0].value, String.raw`a,b=c\d`);
  assert.equal(sel.toString(), String.raw`metadata.name=a\,b\=c\\d`);
  assert.equal(escapeFieldValue("x=y"), String.raw`x\=y`);
});

test("terms are sorted and empty terms skipped; the empty selector selects everything", () => {
  assert.equal(parseFieldSelector("b=1,,a=2").toString(), "a=2,b=1");
  const all = parseFieldSelector("");
  assert.ok(all.empty);
  assert.ok(all.matches(() => "x"));
});

test("parse errors carry upstream's messages", () => {
  assert.equal(badRequestMessage(() => parseFieldSelector("a=b,foo")), "invalid selector: 'a=b,foo'; can't understand 'foo'");
  assert.equal(badRequestMessage(() => parseFieldSelector(String.raw`a=b\x`)), String.raw`invalid field selector: invalid escape sequence: \x`);
  assert.equal(badRequestMessage(() => parseFieldSelector("a=b\\")), "invalid field selector: invalid escape sequence: \\");
  assert.equal(badRequestMessage(() => parseFieldSelector("a=b=c")), "invalid field selector: unescaped character in value: 61");
});

test("unsupported fields are rejected with the kind's upstream message", () => {
  const sel = parseFieldSelector("spec.nodeName=n1,status.hostIP=1.2.3.4");
  const podFields = ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"];
  assert.equal(badRequestMessage(() => checkSupportedFields(sel, podFields)), "field label not supported: status.hostIP");
  assert.equal(
    badRequestMessage(() => checkSupportedFields(sel, ["metadata.name", "metadata.namespace"])),
    `"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"`,
  );
  assert.equal(
    badRequestMessage(() => checkSupportedFields(sel, ["metadata.name", "status.successful"], { group: "apps", kind: "StatefulSet" })),
    "field label not supported for appsv1.StatefulSet: spec.nodeName",
  );
  checkSupportedFields(parseFieldSelector("spec.nodeName=n1"), podFields);
});
