import { test } from "node:test";
import assert from "node:assert/strict";
import { fieldSetAndErrors, fieldSetOf } from "./fieldset-of.ts";
import { toFieldsV1 } from "./fieldset.ts";
import { resolverFor } from "./schema.ts";
import { deployment, deploymentSchema } from "./testdata.ts";

const encoded = (obj: unknown) => JSON.stringify(toFieldsV1(fieldSetOf(obj, deploymentSchema)));

test("a Deployment sets its leaves, its list-map items by key and its map entries", () => {
  const d = deployment({ replicas: 2 });
  assert.equal(
    encoded({ metadata: d.metadata, spec: { replicas: 2, template: d.spec.template } }),
    `{"f:metadata":{"f:labels":{"f:app":{}},"f:name":{},"f:namespace":{}},"f:spec":{"f:replicas":{},` +
      `"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}`,
  );
});

test("atomic structs, maps and lists are recorded whole; sets by value; granular maps per entry", () => {
  const obj = {
    metadata: { finalizers: ["a", "b"], ownerReferences: [{ uid: "u1", kind: "ReplicaSet", name: "rs", apiVersion: "apps/v1" }] },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { spec: { tolerations: [{ key: "k" }], nodeSelector: { disk: "ssd" }, containers: [] } },
    },
  };
  assert.equal(
    encoded(obj),
    `{"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}},"f:ownerReferences":{"k:{\\"uid\\":\\"u1\\"}":{}}},` +
      `"f:spec":{"f:selector":{},"f:template":{"f:spec":{"f:nodeSelector":{},"f:tolerations":{}}}}}`,
  );
});

test("list-map keys use schema defaults for omitted key fields and sort key names", () => {
  const obj = { spec: { template: { spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }, { protocol: "UDP", containerPort: 53 }] }] } } } };
  const set = fieldSetOf(obj, deploymentSchema);
  const ports = ["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"c"}', "f:ports"];
  assert.ok(set.has([...ports, 'k:{"containerPort":80,"protocol":"TCP"}']));
  assert.ok(set.has([...ports, 'k:{"containerPort":53,"protocol":"UDP"}', "f:protocol"]));
});

test("a list with only a patch merge key is a list-map; null and empty structs are leaves", () => {
  const obj = { spec: { paused: null, strategy: {}, template: { spec: { initContainers: [{ name: "init" }] } } } };
  const set = fieldSetOf(obj, deploymentSchema);
  assert.ok(set.has(["f:spec", "f:template", "f:spec", "f:initContainers", 'k:{"name":"init"}', "f:name"]));
  assert.ok(set.has(["f:spec", "f:paused"]) && set.has(["f:spec", "f:strategy"]));
});

test("fields the schema does not know are deduced: objects granular, lists atomic", () => {
  const obj = { spec: { extra: { a: { b: 1 }, list: [{ x: 1 }] } } };
  assert.equal(encoded(obj), `{"f:spec":{"f:extra":{".":{},"f:a":{".":{},"f:b":{}},"f:list":{}}}}`);
});

test("missing or duplicate keys are reported like upstream and the list is recorded whole", () => {
  const obj = { spec: { template: { spec: { containers: [{ name: "a" }, { image: "x" }] } } } };
  const { set, errors } = fieldSetAndErrors(resolverFor(deploymentSchema).begin(), obj);
  assert.deepEqual(errors, [
    `.spec.template.spec.containers: element 1: associative list with keys has an element that omits key field "name" (and doesn't have default value)`,
  ]);
  assert.ok(set.has(["f:spec", "f:template", "f:spec", "f:containers"]));
  const dup = { spec: { template: { spec: { containers: [{ name: "a", env: [{ name: "X" }, { name: "X" }] }] } } } };
  assert.deepEqual(fieldSetAndErrors(resolverFor(deploymentSchema).begin(), dup).errors, [
    `.spec.template.spec.containers[name="a"].env: duplicate entries for key [name="X"]`,
  ]);
});
