import { test } from "node:test";
import assert from "node:assert/strict";
import { resourceTypes } from "../resources.ts";

// Kinds whose upstream strategy has no validation or defaulting worth a hook here.
const NO_VALIDATION = new Set(["authorization.k8s.io/SelfSubjectRulesReview", "authentication.k8s.io/SelfSubjectReview", "authentication.k8s.io/TokenReview"]);

test("every non-core kind has its validation attached to its strategy", () => {
  // Versions served by conversion are validated as their storage version, after conversion.
  for (const r of resourceTypes.filter((t) => t.group !== "" && !t.conversion && t.verbs.includes("create"))) {
    const key = `${r.group}/${r.kind}`;
    if (NO_VALIDATION.has(key)) continue;
    assert.equal(typeof r.strategy.validate, "function", key);
  }
  const deploy = resourceTypes.find((t) => t.group === "apps" && t.kind === "Deployment")!;
  const d: any = { metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } };
  deploy.strategy.defaults!(d);
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(deploy.strategy.validate!(d, {}), []);
});
