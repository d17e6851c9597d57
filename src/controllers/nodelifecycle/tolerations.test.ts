import { test } from "node:test";
import assert from "node:assert/strict";
import { evictionTime, tolerates } from "./tolerations.ts";
import { reconcileTaints } from "./taints.ts";

test("toleration matching: key, value with Equal, Exists, empty key and effect as wildcards", () => {
  const taint = { key: "k", value: "v", effect: "NoExecute" };
  assert.ok(tolerates({ key: "k", operator: "Equal", value: "v", effect: "NoExecute" }, taint));
  assert.ok(tolerates({ key: "k", value: "v" }, taint), "empty operator is Equal, empty effect matches all");
  assert.ok(!tolerates({ key: "k", value: "w" }, taint));
  assert.ok(tolerates({ key: "k", operator: "Exists" }, taint));
  assert.ok(tolerates({ operator: "Exists" }, taint), "empty key with Exists tolerates everything");
  assert.ok(!tolerates({ key: "k", operator: "Exists", effect: "NoSchedule" }, taint));
});

test("eviction time: now when any taint is untolerated, the soonest timed toleration otherwise, never without one", () => {
  const a = { key: "a", effect: "NoExecute", timeAdded: "2024-01-01T00:00:00Z" };
  const b = { key: "b", effect: "NoExecute", timeAdded: "2024-01-01T00:01:00Z" };
  const t0 = Date.parse(a.timeAdded);
  assert.equal(evictionTime([a], [], 5), 0);
  assert.equal(evictionTime([a, b], [{ key: "a", operator: "Exists", tolerationSeconds: 300 }, { key: "b", operator: "Exists", tolerationSeconds: 30 }], 5), t0 + 90_000);
  assert.equal(evictionTime([a, b], [{ key: "a", operator: "Exists" }, { key: "b", operator: "Exists" }], 5), undefined);
  assert.equal(evictionTime([{ key: "a", effect: "NoExecute" }], [{ key: "a", operator: "Exists", tolerationSeconds: 10 }], 1000), 11_000, "no timeAdded: counted from first sight");
});

test("controller taints follow the Ready status and leave others alone", () => {
  const now = new Date("2024-01-01T00:00:00.500Z");
  const other = { key: "x", effect: "NoExecute" };
  const unknown = reconcileTaints([other], "Unknown", now)!;
  assert.deepEqual(unknown, [other, { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: "2024-01-01T00:00:00Z" }, { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2024-01-01T00:00:00Z" }]);
  assert.equal(reconcileTaints(unknown, "Unknown", now), undefined);
  assert.deepEqual(reconcileTaints(unknown, "False", now)!.map((t) => `${t.key}:${t.effect}`), ["x:NoExecute", "node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"]);
  assert.deepEqual(reconcileTaints(unknown, "True", now), [other]);
  assert.equal(reconcileTaints([other], undefined, now), undefined);
});
