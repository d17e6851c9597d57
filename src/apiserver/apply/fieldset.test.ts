import { test } from "node:test";
import assert from "node:assert/strict";
import { FieldSet, formatPath, fromFieldsV1, toFieldsV1 } from "./fieldset.ts";

const BRIEF = `{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}`;

test("FieldsV1 decodes and re-encodes byte for byte", () => {
  const set = fromFieldsV1(JSON.parse(BRIEF));
  assert.equal(JSON.stringify(toFieldsV1(set)), BRIEF);
  assert.ok(set.has(["f:spec", "f:containers", 'k:{"name":"nginx"}']), "the element itself is a member via '.'");
  assert.ok(set.has(["f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image"]));
  assert.ok(!set.has(["f:spec", "f:containers"]), "a node with only children is not a member");
  assert.ok(!set.has(["f:metadata", "f:labels"]));
});

test("FieldsV1 output is ordered like upstream: '.', fields, keys (numbers numerically), values, indexes", () => {
  const set = FieldSet.of(
    ["f:ports", 'k:{"containerPort":8080,"protocol":"TCP"}'],
    ["f:ports", 'k:{"containerPort":443,"protocol":"TCP"}'],
    ["f:ports", 'k:{"containerPort":443,"protocol":"TCP"}', "f:name"],
    ["f:ports"],
    ["f:x", "i:10"], ["f:x", "i:2"], ["f:x", 'v:"b"'], ["f:x", "v:3"], ["f:x", "f:z"],
  );
  assert.equal(
    JSON.stringify(toFieldsV1(set)),
    `{"f:ports":{".":{},"k:{\\"containerPort\\":443,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{}},` +
      `"k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}":{}},"f:x":{"f:z":{},"v:3":{},"v:\\"b\\"":{},"i:2":{},"i:10":{}}}`,
  );
});

test("decoding canonicalizes key elements and rejects unknown element kinds", () => {
  const set = fromFieldsV1({ "f:ports": { 'k:{"protocol":"TCP","containerPort":80}': {} } });
  assert.ok(set.has(["f:ports", 'k:{"containerPort":80,"protocol":"TCP"}']));
  assert.throws(() => fromFieldsV1({ "x:oops": {} }), /unknown path element/);
  assert.throws(() => fromFieldsV1({ "f:a": [] }), /must be a JSON object/);
  assert.throws(() => fromFieldsV1({ "k:[1]": {} }), /invalid key element/);
});

test("difference is exact per path while recursiveDifference drops whole subtrees", () => {
  const a = FieldSet.of(["f:spec"], ["f:spec", "f:replicas"], ["f:status", "f:replicas"]);
  const b = FieldSet.of(["f:spec"], ["f:status"]);
  assert.deepEqual(a.difference(b).paths(), [["f:spec", "f:replicas"], ["f:status", "f:replicas"]]);
  assert.deepEqual(a.recursiveDifference(b).paths(), []);
  assert.deepEqual(a.intersection(b).paths(), [["f:spec"]]);
  assert.ok(a.union(b).has(["f:status"]));
  assert.ok(a.union(FieldSet.of()).equals(a) && !a.equals(b));
  assert.ok(b.isSubsetOf(a.union(b)) && !a.isSubsetOf(b));
});

test("paths iterate a node's leaves before its subtrees, as upstream lists conflicts", () => {
  const s = FieldSet.of(["f:spec", "f:template", "f:x"], ["f:spec", "f:replicas"], ["f:apiVersion"]);
  assert.deepEqual(s.paths().map(formatPath), [".apiVersion", ".spec.replicas", ".spec.template.x"]);
});

test("formatPath prints keys, values and indexes the way conflict messages do", () => {
  assert.equal(
    formatPath(["f:spec", "f:containers", 'k:{"name":"nginx"}', "f:ports", 'k:{"containerPort":80,"protocol":"TCP"}']),
    '.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]',
  );
  assert.equal(formatPath(["f:metadata", "f:finalizers", 'v:"a/b"', "i:3"]), '.metadata.finalizers[="a/b"][3]');
});
