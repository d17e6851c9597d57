import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isRelaxedEnvVarName,
  isValidIP, isValidLabelValue, isValidPortName,
} from "./names.ts";

test("DNS-1123 subdomain message is upstream's", () => {
  assert.deepEqual(isDNS1123Subdomain("example.com"), []);
  assert.deepEqual(isDNS1123Subdomain("Bad_Name"), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.equal(isDNS1123Subdomain("a".repeat(254)).length, 1);
});

test("DNS-1123 label reports dots and length separately", () => {
  assert.deepEqual(isDNS1123Label("my-name"), []);
  assert.deepEqual(isDNS1123Label("a.b"), ["must not contain dots"]);
  assert.deepEqual(isDNS1123Label("a".repeat(64)), ["must be no more than 63 characters"]);
  assert.match(isDNS1123Label("-x")[0], /^a lowercase RFC 1123 label .*\(e\.g\. 'my-name',  or '123-abc', regex used/);
});

test("DNS-1035 label must start with a letter", () => {
  assert.deepEqual(isDNS1035Label("web"), []);
  assert.match(isDNS1035Label("1web")[0], /^a DNS-1035 label must consist/);
});

test("qualified names check prefix and name parts", () => {
  assert.deepEqual(isQualifiedName("app.kubernetes.io/name"), []);
  assert.deepEqual(isQualifiedName("/x"), ["prefix part must be non-empty"]);
  assert.equal(isQualifiedName("a/b/c").length, 1);
  assert.match(isQualifiedName("a/b/c")[0], /with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  assert.match(isQualifiedName("x/-bad")[0], /^name part must consist of alphanumeric/);
  assert.equal(isQualifiedName("Example.com/x")[0].startsWith("prefix part a lowercase RFC 1123 subdomain"), true);
});

test("label values allow empty and reject bad characters", () => {
  assert.deepEqual(isValidLabelValue(""), []);
  assert.deepEqual(isValidLabelValue("v1.2_x"), []);
  assert.equal(isValidLabelValue("a b").length, 1);
});

test("config keys, env var names, port names and IPs", () => {
  assert.deepEqual(isConfigMapKey("key.name"), []);
  assert.deepEqual(isConfigMapKey("a/b"), ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
  assert.deepEqual(isConfigMapKey(".."), ["must not be '..'"]);
  assert.deepEqual(isRelaxedEnvVarName("1-weird.NAME"), []);
  assert.equal(isRelaxedEnvVarName("A=B").length, 1);
  assert.deepEqual(isValidPortName("http"), []);
  assert.deepEqual(isValidPortName("123"), ["must contain at least one letter (a-z)"]);
  assert.deepEqual(isValidPortName("a--b"), ["must not contain consecutive hyphens"]);
  assert.deepEqual(isValidIP("10.0.0.1"), []);
  assert.deepEqual(isValidIP("2001:db8::1"), []);
  assert.deepEqual(isValidIP("::ffff:10.0.0.1"), []);
  assert.equal(isValidIP("10.0.0.256").length, 1);
  assert.equal(isValidIP("1:2:3:4:5:6:7:8:9").length, 1);
});
