import { test } from "node:test";
import assert from "node:assert/strict";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { Store } from "../client/store.ts";
import { PriorityResolver } from "./priority.ts";
import { makePod } from "./testing/fixtures.ts";

function resolver(...classes: PriorityClass[]): PriorityResolver {
  const store = new Store<PriorityClass>();
  for (const c of classes) store.put(c);
  return new PriorityResolver(store);
}

test("spec.priority wins; otherwise the named class, the global default, the system classes, or 0", () => {
  const r = resolver({ metadata: { name: "high" }, value: 1000, preemptionPolicy: "Never" }, { metadata: { name: "dflt" }, value: 7, globalDefault: true });
  assert.equal(r.priorityOf(makePod("a", { priority: 5, spec: { priorityClassName: "high" } })), 5);
  assert.equal(r.priorityOf(makePod("b", { spec: { priorityClassName: "high" } })), 1000);
  assert.equal(r.priorityOf(makePod("c")), 7);
  assert.equal(r.priorityOf(makePod("d", { spec: { priorityClassName: "system-node-critical" } })), 2_000_001_000);
  assert.equal(resolver().priorityOf(makePod("e")), 0);
  assert.equal(r.preemptionPolicyOf(makePod("f", { spec: { priorityClassName: "high" } })), "Never");
  assert.equal(r.preemptionPolicyOf(makePod("g", { spec: { priorityClassName: "high", preemptionPolicy: "PreemptLowerPriority" } })), "PreemptLowerPriority");
  assert.equal(r.preemptionPolicyOf(makePod("h")), "PreemptLowerPriority");
});
