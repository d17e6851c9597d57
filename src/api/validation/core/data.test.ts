import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid } from "../../errors.ts";
import { defaultSecret } from "../../defaults/core.ts";
import { validateConfigMap } from "./configmap.ts";
import { validateSecret } from "./secret.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const fields = (errs: { field: string; type: string }[]) => errs.map((e) => `${e.field}:${e.type}`);

test("config map keys, disjoint data and size", () => {
  assert.deepEqual(validateConfigMap({ data: { "app.properties": "x" }, binaryData: { "logo.png": b64("png") } }, {}), []);
  const errs = validateConfigMap({ data: { "bad/key": "x", dup: "a" }, binaryData: { dup: b64("b") } }, {});
  assert.deepEqual(fields(errs), ["data[bad/key]:FieldValueInvalid", "data[dup]:FieldValueInvalid", "binaryData[dup]:FieldValueInvalid"]);
  assert.equal(invalid({ group: "", kind: "ConfigMap" }, "c", [errs[0]]).message,
    `ConfigMap "c" is invalid: data[bad/key]: Invalid value: "bad/key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`);
  assert.deepEqual(fields(validateConfigMap({ data: { big: "x".repeat(1024 * 1024 + 1) } }, {})), [":FieldValueTooLong"]);
});

test("immutable config maps and secrets reject data changes", () => {
  const old = { immutable: true, data: { a: "1" } };
  assert.deepEqual(validateConfigMap({ immutable: true, data: { a: "1" }, metadata: { labels: { x: "y" } } }, { old }), []);
  assert.deepEqual(fields(validateConfigMap({ immutable: true, data: { a: "2" } }, { old })), ["data:FieldValueForbidden"]);
  assert.deepEqual(fields(validateConfigMap({ data: { a: "1" } }, { old })), ["immutable:FieldValueForbidden"]);
  const oldSecret = { type: "Opaque", immutable: true, data: { a: b64("1") } };
  assert.deepEqual(fields(validateSecret({ type: "Opaque", immutable: true, data: { a: b64("2") } }, { old: oldSecret })), ["data:FieldValueForbidden"]);
});

test("secret type is immutable and each type requires its keys", () => {
  assert.deepEqual(fields(validateSecret({ type: "kubernetes.io/tls", data: {} }, { old: { type: "Opaque" } })), ["type:FieldValueInvalid", "data[tls.crt]:FieldValueRequired", "data[tls.key]:FieldValueRequired"]);
  assert.deepEqual(validateSecret({ type: "kubernetes.io/tls", data: { "tls.crt": b64("c"), "tls.key": b64("k") } }, {}), []);
  assert.deepEqual(fields(validateSecret({ type: "kubernetes.io/dockerconfigjson", data: {} }, {})), ["data[.dockerconfigjson]:FieldValueRequired"]);
  assert.deepEqual(fields(validateSecret({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64("not json") } }, {})), ["data[.dockerconfigjson]:FieldValueInvalid"]);
  assert.deepEqual(validateSecret({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64('{"auths":{}}') } }, {}), []);
  const sa = validateSecret({ type: "kubernetes.io/service-account-token", metadata: { name: "t" } }, {});
  assert.equal(invalid({ group: "", kind: "Secret" }, "t", sa).message, 'Secret "t" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value');
  assert.deepEqual(fields(validateSecret({ type: "Opaque", data: { big: b64("x".repeat(1024 * 1024 + 1)) } }, {})), ["data:FieldValueTooLong"]);
});

test("secret defaults: Opaque, and stringData merged into data", () => {
  const s: any = { stringData: { user: "admin" }, data: { other: b64("x") } };
  defaultSecret(s);
  assert.deepEqual(s, { type: "Opaque", data: { other: b64("x"), user: b64("admin") } });
});
