import { test } from "node:test";
import assert from "node:assert/strict";
import { groupKindKey } from "../scheme.ts";
import { isReviewKind, resourceTypes } from "../resources.ts";
import { tables } from "./index.ts";

const now = new Date("2024-05-01T12:00:00Z");

test("every stored kind has a table, and every table belongs to a served kind", () => {
  const stored = resourceTypes.filter((r) => !isReviewKind(r)).map((r) => groupKindKey(r.group, r.kind));
  assert.deepEqual(stored.filter((k) => !tables[k]), []);
  assert.deepEqual(Object.keys(tables).filter((k) => !stored.includes(k as never)), []);
});

test("a minimal object yields one cell per column, the name column first (events keep it last)", () => {
  for (const [key, def] of Object.entries(tables)) {
    const cells = def!.cells({ metadata: { name: "obj", creationTimestamp: "2024-05-01T11:00:00Z" } }, now);
    assert.equal(cells.length, def!.columns.length, key);
    const nameAt = key.endsWith("/Event") ? def!.columns.length - 1 : 0;
    assert.equal(def!.columns[nameAt].format, "name", key);
    assert.equal(cells[nameAt], "obj", key);
    for (const c of cells) assert.ok(typeof c === "string" || typeof c === "number" || typeof c === "boolean", `${key}: ${String(c)}`);
  }
});
