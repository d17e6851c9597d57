import { test } from "node:test";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { LiveKeys, compareKeys } from "./live-keys.ts";

function emptyLog(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  db.exec("CREATE TABLE log (revision INTEGER PRIMARY KEY, key TEXT NOT NULL, create_revision INTEGER NOT NULL, prev_revision INTEGER NOT NULL, deleted INTEGER NOT NULL, value TEXT)");
  return db;
}

test("keys compare as SQLite orders TEXT: by code point, not by UTF-16 unit", () => {
  const db = emptyLog();
  const keys = ["/a", "/a/b", "/\uE000", "/\u{10000}", "/\uFFFF", "/z", "/\uD7FF"];
  keys.forEach((k, i) => db.prepare("INSERT INTO log VALUES (?, ?, ?, 0, 0, '')").run(i + 1, k, i + 1));
  const sqliteOrder = db.prepare("SELECT key FROM log ORDER BY key").all().map((r) => r.key as string);
  assert.deepEqual([...keys].sort(compareKeys), sqliteOrder);
  // Ranges over such keys come out in the same order.
  const live = LiveKeys.load(db);
  const { keys: sorted, start, end } = live.range("/", true, undefined);
  assert.deepEqual(sorted.slice(start, end), sqliteOrder);
});

test("a range is bounded below (inclusive or not) and above, and follows the changes a revert takes back", () => {
  const live = LiveKeys.load(emptyLog());
  for (const [i, k] of ["/p/a", "/p/b", "/p/c", "/q/a"].entries()) live.set(k, { revision: i + 1, createRevision: i + 1 });
  live.committed();
  const page = (from: string, inclusive: boolean, below?: string) => {
    const r = live.range(from, inclusive, below);
    return r.keys.slice(r.start, r.end);
  };
  assert.deepEqual(page("/p/", true, "/p0"), ["/p/a", "/p/b", "/p/c"]);
  assert.deepEqual(page("/p/a", false, "/p0"), ["/p/b", "/p/c"]);
  assert.deepEqual(page("/p/b", true, "/p/c"), ["/p/b"]);
  assert.deepEqual(page("/r", true, undefined), []);

  const mark = live.mark();
  live.delete("/p/b");
  live.set("/p/d", { revision: 6, createRevision: 6 });
  live.set("/p/a", { revision: 7, createRevision: 1 });
  assert.deepEqual(page("/p/", true, "/p0"), ["/p/a", "/p/c", "/p/d"]);
  live.revert(mark);
  assert.deepEqual(page("/p/", true, "/p0"), ["/p/a", "/p/b", "/p/c"]);
  assert.deepEqual(live.get("/p/a"), { revision: 1, createRevision: 1 });
  assert.equal(live.get("/p/d"), undefined);
});
