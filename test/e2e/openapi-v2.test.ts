// End-to-end: kubectl's client-side schema validation reads /openapi/v2 as protobuf (gnostic
// openapi.v2.Document). It does so when the server cannot validate fields itself for the object's kind: for a
// v1 List always, and for kinds without a PATCH operation (TokenReview) once its CRD check has passed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TestCluster } from "./harness.ts";

let c: TestCluster;
before(async () => { c = await TestCluster.start(); });
after(async () => { await c?.destroy(); });

const tokenReview = (spec: Record<string, unknown>) => ({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec });
const list = (...items: unknown[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });

test("a List is validated client-side against the protobuf v2 schema, then created", async () => {
  const out = await c.ok(["create", "-o", "json", "-f", "-"], list(tokenReview({ token: "x" }), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pb-ok" }, data: { a: "1" } }));
  // one JSON object per created item
  const [review, cm] = out.split(/\n(?=\{)/).map((o) => JSON.parse(o));
  assert.equal(review.kind, "TokenReview");
  assert.equal(review.status.authenticated, false);
  assert.equal(cm.metadata.name, "pb-ok");
});

test("--validate=strict rejects List items that break the protobuf v2 schema: unknown field, type, required", async () => {
  const r = await c.kubectl(["create", "--validate=strict", "-f", "-"], list(tokenReview({ token: "x", bogus: 1 })));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /ValidationError\(TokenReview\.spec\): unknown field "bogus" in io\.k8s\.api\.authentication\.v1\.TokenReviewSpec/);
  const cm = await c.kubectl(["create", "--validate=strict", "-f", "-"], list({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pb-bad" }, immutable: "yes" }));
  assert.notEqual(cm.code, 0);
  assert.match(cm.stderr, /ValidationError\(ConfigMap\.immutable\): invalid type for io\.k8s\.api\.core\.v1\.ConfigMap\.immutable: got "string", expected "boolean"/);
  assert.equal((await c.kubectl(["get", "configmap", "pb-bad"])).code, 1);
  const missing = await c.kubectl(["create", "--validate=strict", "-f", "-"], list({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview" }));
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /ValidationError\(TokenReview\): missing required field "spec" in io\.k8s\.api\.authentication\.v1\.TokenReview/);
});


test("kubectl create of a TokenReview", async () => {
  const out = JSON.parse(await c.ok(["create", "-o", "json", "-f", "-"], JSON.stringify(tokenReview({ token: "x" }))));
  assert.equal(out.status.authenticated, false);
});

test("kubectl create --validate=strict of a TokenReview with an unknown field", async () => {
  const r = await c.kubectl(["create", "--validate=strict", "-f", "-"], JSON.stringify(tokenReview({ token: "x", bogus: 1 })));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown field "bogus" in io\.k8s\.api\.authentication\.v1\.TokenReviewSpec/);
});
