import { test } from "node:test";
import assert from "node:assert/strict";
import { checkAgainstSchema } from "./schema-check.ts";
import { definitionName, definitions } from "../../api/openapi/definitions.ts";

const deployment = { definitions: definitions(), root: definitionName("apps", "v1", "Deployment") };

test("unknown fields are reported with their full paths, names of Object.prototype's members included", () => {
  const check = checkAgainstSchema({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", constructor: "x" },
    spec: { selector: {}, template: { spec: { containers: [{ name: "a", image: "i" }, { name: "b", image: "i", bogus: 1 }] } }, toString: 1 },
  }, deployment);
  assert.deepEqual(check.unknown, ["metadata.constructor", "spec.template.spec.containers[1].bogus", "spec.toString"]);
  assert.equal(check.mismatch, undefined);
});

test("a value of the wrong JSON type names its path, struct and Go type", () => {
  const check = checkAgainstSchema({ spec: { replicas: "3", template: { spec: { containers: [{ name: "a", ports: [{ containerPort: "80" }] }] } } } }, deployment);
  assert.deepEqual(check.mismatch, { path: "spec.replicas", struct: "DeploymentSpec", got: "string", want: "int32" });
  const nested = checkAgainstSchema({ spec: { template: { spec: { containers: [{ name: "a", ports: [{ containerPort: "80" }] }] } } } }, deployment);
  assert.deepEqual(nested.mismatch, { path: "spec.template.spec.containers[0].ports[0].containerPort", struct: "ContainerPort", got: "string", want: "int32" });
});
