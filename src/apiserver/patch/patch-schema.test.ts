import { test } from "node:test";
import assert from "node:assert/strict";
import type { Definitions } from "../../api/openapi/types.ts";
import { fieldMeta, itemMeta, resolve, rootSchema } from "./patch-schema.ts";

const definitions: Definitions = {
  Pod: { type: "object", properties: { spec: { $ref: "#/definitions/Spec" }, labels: { type: "object", additionalProperties: { $ref: "#/definitions/Label" } } } },
  Spec: {
    type: "object",
    properties: {
      volumes: { type: "array", items: { $ref: "#/definitions/Volume" }, "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge,retainKeys" },
      strategy: { $ref: "#/definitions/Volume", "x-kubernetes-patch-strategy": "retainKeys" },
      replaced: { type: "object", "x-kubernetes-patch-strategy": "replace" },
    },
  },
  Volume: { type: "object", properties: { name: { type: "string" } } },
  Label: { type: "string" },
  Loop: { $ref: "#/definitions/Loop" },
};

test("patch schema: follows $ref from the root and through properties", () => {
  const spec = fieldMeta(definitions, rootSchema({ definitions, root: "Pod" }), "spec").schema;
  assert.equal(spec, definitions.Spec);
});

test("patch schema: reads strategy and merge key from the property, dropping retainKeys", () => {
  const volumes = fieldMeta(definitions, definitions.Spec, "volumes");
  assert.deepEqual([volumes.strategy, volumes.mergeKey], ["merge", "name"]);
  assert.equal(itemMeta(definitions, volumes).schema, definitions.Volume);
  assert.equal(fieldMeta(definitions, definitions.Spec, "strategy").strategy, "");
  assert.equal(fieldMeta(definitions, definitions.Spec, "replaced").strategy, "replace");
});

test("patch schema: map values use additionalProperties; unknown fields have no schema", () => {
  assert.equal(fieldMeta(definitions, definitions.Pod, "labels").schema?.additionalProperties !== undefined, true);
  const labels = fieldMeta(definitions, definitions.Pod, "labels").schema;
  assert.equal(fieldMeta(definitions, labels, "app").schema, definitions.Label);
  assert.deepEqual(fieldMeta(definitions, definitions.Spec, "nope"), { strategy: "", mergeKey: "" });
  assert.deepEqual(fieldMeta(definitions, undefined, "x"), { strategy: "", mergeKey: "" });
});

test("patch schema: dangling and circular references resolve to nothing", () => {
  assert.equal(resolve(definitions, { $ref: "#/definitions/Missing" }), undefined);
  assert.equal(resolve(definitions, { $ref: "#/definitions/Loop" }), undefined);
  assert.equal(rootSchema({ definitions, root: "toString" }), undefined);
});
