import { test } from "node:test";
import assert from "node:assert/strict";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { equalIgnoringHash, podTemplateHash } from "./hash.ts";

const tpl = (image: string, labels: Record<string, string> = { app: "a" }): PodTemplateSpec => ({ metadata: { labels }, spec: { containers: [{ name: "c", image }] } });

test("the hash is stable, short, label-safe, and moves with the template and the collision count", () => {
  const h = podTemplateHash(tpl("nginx:1"));
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(podTemplateHash(tpl("nginx:1")), h);
  // Key order does not matter; content does.
  assert.equal(podTemplateHash({ spec: { containers: [{ image: "nginx:1", name: "c" }] }, metadata: { labels: { app: "a" } } }), h);
  assert.notEqual(podTemplateHash(tpl("nginx:2")), h);
  assert.notEqual(podTemplateHash(tpl("nginx:1"), 1), h);
  assert.notEqual(podTemplateHash(tpl("nginx:1"), 1), podTemplateHash(tpl("nginx:1"), 2));
});

test("templates compare equal apart from the hash label and empty values", () => {
  assert.ok(equalIgnoringHash(tpl("x", { app: "a", "pod-template-hash": "abc" }), tpl("x")));
  assert.ok(equalIgnoringHash({ ...tpl("x"), spec: { containers: [{ name: "c", image: "x", env: [] }], securityContext: {} } }, tpl("x")));
  assert.ok(!equalIgnoringHash(tpl("x", { app: "a", tier: "" }), tpl("x")), "an empty label value is still a label");
  assert.ok(!equalIgnoringHash(tpl("x"), tpl("y")));
});
