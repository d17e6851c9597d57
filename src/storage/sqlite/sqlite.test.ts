import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { storageContract, watchInto } from "../contract.ts";
import { StorageError } from "../interface.ts";
import { SqliteStorage } from "./sqlite-storage.ts";
import { prefixEnd } from "./prefix.ts";

async function tempDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "berth-sqlite-"));
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

storageContract("sqlite", async () => {
  const tmp = await tempDir();
  // Automatic compaction off: the contract compacts explicitly.
  const storage = SqliteStorage.open(join(tmp.dir, "db"), { compactIntervalMs: 0 });
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      await tmp[Symbol.asyncDispose]();
    },
  };
});

const rowCount = (path: string): number => {
  const db = new DatabaseSync(path);
  try {
    return db.prepare("SELECT count(*) AS n FROM log").get()!.n as number;
  } finally {
    db.close();
  }
};

const waitUntil = async (cond: () => Promise<boolean>, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

test("prefixEnd bounds exactly the keys with the prefix", () => {
  assert.equal(prefixEnd("/a/"), "/a0");
  assert.equal(prefixEnd("a\u{10FFFF}"), "b");
  assert.equal(prefixEnd("\uD7FF"), "\uE000");
  assert.ok(prefixEnd("") instanceof Uint8Array);
});

test("reopening keeps data, the revision and the compact revision", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  let s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  const a = await s.create("/a", "1");
  await s.create("/b", "2");
  const d = await s.delete("/b");
  // Compacting away the newest row (a tombstone) must not let the revision go back after a restart.
  await s.compact(d.revision);
  await s.close();
  s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  assert.equal(await s.currentRevision(), d.revision);
  assert.equal(await s.compactedRevision(), d.revision);
  assert.deepEqual(await s.get("/a"), a);
  const b = await s.create("/b", "3");
  assert.equal(b.modRevision, d.revision + 1);
  await s.close();
  assert.equal(rowCount(path), 2);
});

test("the live keys are rebuilt from the log at open (a table of them left by an older version becomes a view)", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  let s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  const a = await s.create("/k/a", "1");
  const a2 = await s.update("/k/a", "2", a.modRevision);
  await s.create("/k/gone", "x");
  await s.delete("/k/gone");
  await s.create("/k/back", "old");
  await s.delete("/k/back");
  const back = await s.create("/k/back", "new");
  const before = await s.list({ prefix: "/k/" });
  await s.close();
  // What an older version kept beside the log; it must not be trusted (or kept up to date) any more.
  const raw = new DatabaseSync(path);
  raw.exec("DROP VIEW current; CREATE TABLE current (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, create_revision INTEGER NOT NULL) WITHOUT ROWID");
  raw.exec("INSERT INTO current VALUES ('/k/gone', 4, 3)");
  raw.close();
  s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  try {
    assert.deepEqual(await s.get("/k/a"), a2);
    assert.deepEqual(await s.get("/k/back"), back);
    assert.equal(await s.get("/k/gone"), undefined);
    assert.deepEqual((await s.list({ prefix: "/k/" })).kvs, before.kvs);
    // The rebuilt index drives the checks: a stale revision conflicts, a live key exists, a deleted one can return.
    await assert.rejects(s.update("/k/a", "3", a.modRevision), (e: unknown) => e instanceof StorageError && e.code === "Conflict");
    await assert.rejects(s.create("/k/back", "again"), (e: unknown) => e instanceof StorageError && e.code === "KeyExists");
    assert.equal((await s.create("/k/gone", "again")).value, "again");
  } finally {
    await s.close();
  }
  // What an older binary would find: the live keys, read-only.
  const old = new DatabaseSync(path);
  try {
    old.exec("CREATE TABLE IF NOT EXISTS current (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, create_revision INTEGER NOT NULL) WITHOUT ROWID");
    assert.deepEqual(old.prepare("SELECT key FROM current ORDER BY key").all().map((r) => r.key), ["/k/a", "/k/back", "/k/gone"]);
    assert.throws(() => old.prepare("INSERT INTO current VALUES ('/k/new', 99, 99)").run(), /view/);
  } finally {
    old.close();
  }
});

test("one process owns the file; a closed store refuses calls and ends its watches", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  assert.throws(() => SqliteStorage.open(path), (e: unknown) => e instanceof StorageError && e.code === "Unavailable");
  const w = await watchInto(s, "/", 0);
  await s.close();
  assert.equal(w.error()?.code, "Unavailable");
  await assert.rejects(s.get("/x"), (e: unknown) => e instanceof StorageError && e.code === "Unavailable");
  await s.close(); // idempotent
});

test("a replaying watcher overtaken by compaction ends with Compacted", async () => {
  await using tmp = await tempDir();
  const s = SqliteStorage.open(join(tmp.dir, "db"), { compactIntervalMs: 0 });
  for (let i = 0; i < 50; i++) await s.create(`/k/${i}`, "v");
  const w = await watchInto(s, "/", 10);
  const done = s.compact(await s.currentRevision());
  await assert.rejects(w.until(1000), (e: unknown) => e instanceof StorageError && e.code === "Compacted" && e.compactRevision === 50);
  await done;
  await s.close();
});

test("automatic compaction keeps the configured number of revisions and bounds the rows", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const s = SqliteStorage.open(path, { compactIntervalMs: 10, retainRevisions: 100, retainMs: 0 });
  const kvs = await Promise.all(Array.from({ length: 10 }, (_, i) => s.create(`/k/${i}`, "v")));
  for (let round = 0; round < 100; round++) {
    for (let i = 0; i < 10; i++) kvs[i] = await s.update(`/k/${i}`, `v${round}`, kvs[i]!.modRevision);
  }
  const current = await s.currentRevision();
  await waitUntil(async () => (await s.compactedRevision()) === current - 100);
  // History within the window is intact.
  const old = await s.list({ prefix: "/k/", revision: current - 100 });
  assert.equal(old.kvs.length, 10);
  await new Promise((r) => setTimeout(r, 50)); // let the drain finish
  await s.close();
  const rows = rowCount(path);
  assert.ok(rows >= 100 && rows <= 110, `${rows} rows left of ${current}`);
});

test("automatic compaction keeps at least retainMs of history", async () => {
  await using tmp = await tempDir();
  const s = SqliteStorage.open(join(tmp.dir, "db"), { compactIntervalMs: 10, retainRevisions: 1, retainMs: 300 });
  const started = Date.now();
  let kv = await s.create("/k", "v");
  for (let i = 0; i < 20; i++) kv = await s.update("/k", `v${i}`, kv.modRevision);
  const written = await s.currentRevision();
  await waitUntil(async () => (await s.compactedRevision()) >= written - 1);
  assert.ok(Date.now() - started >= 300, "nothing written in the last retainMs was compacted");
  await s.close();
});

test("history is capped at maxRetainRevisions even inside the time floor", async () => {
  await using tmp = await tempDir();
  const s = SqliteStorage.open(join(tmp.dir, "db"), { compactIntervalMs: 10, retainRevisions: 10, retainMs: 3_600_000, maxRetainRevisions: 50 });
  let kv = await s.create("/k", "v");
  for (let i = 0; i < 300; i++) kv = await s.update("/k", `v${i}`, kv.modRevision);
  const written = await s.currentRevision();
  await waitUntil(async () => (await s.compactedRevision()) >= written - 50);
  assert.ok((await s.compactedRevision()) <= written - 50, "no more than the cap is compacted");
  await s.close();
});

test("every acknowledged write survives SIGKILL", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const child = spawn(process.execPath, [join(import.meta.dirname, "crash-writer.fixture.ts"), path], { stdio: ["ignore", "pipe", "inherit"] });
  const acked = new Map<string, number>();
  let buffered = "";
  let lines = 0;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const line of parts) {
      const [key, rev] = line.split(" ");
      acked.set(key!, Number(rev));
      if (++lines === 3000) child.kill("SIGKILL");
    }
  });
  assert.equal(await exited, "SIGKILL");
  assert.ok(lines >= 3000, `child acknowledged ${lines} writes`);
  const s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  try {
    const top = Math.max(...acked.values());
    assert.ok((await s.currentRevision()) >= top);
    // A write can commit after the parent read its last line: a key may be newer than acknowledged, never older.
    for (const [key, rev] of acked) assert.ok(((await s.get(key))?.modRevision ?? 0) >= rev, key);
  } finally {
    await s.close();
  }
});

test("the log's UNIQUE(key, prev_revision) rejects a second successor of the same row", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  const a = await s.create("/a", "1");
  await s.update("/a", "2", a.modRevision);
  await s.close();
  const db = new DatabaseSync(path);
  try {
    assert.throws(
      () => db.prepare("INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value) VALUES (99, '/a', ?, ?, 0, 'racer')").run(a.createRevision, a.modRevision),
      (e: unknown) => ((e as { errcode: number }).errcode & 0xff) === 19,
    );
  } finally {
    db.close();
  }
});

test("a second open fails while the first is open, and succeeds after close", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const first = SqliteStorage.open(path, { compactIntervalMs: 0 });
  // Enough commits to start the checkpointer thread: it must not count as a second owner, nor stop one.
  let kv = await first.create("/k", "0");
  for (let i = 1; i <= 1500; i++) kv = await first.update("/k", String(i), kv.modRevision);
  const unavailable = (e: unknown) => e instanceof StorageError && e.code === "Unavailable";
  assert.throws(() => SqliteStorage.open(path), unavailable);
  // The failed attempt's handles must not release the first owner's lock.
  assert.throws(() => SqliteStorage.open(path), unavailable);
  // Another process cannot take it either.
  const probe = `import { SqliteStorage } from ${JSON.stringify(join(import.meta.dirname, "sqlite-storage.ts"))};
    try { SqliteStorage.open(process.argv[1]); console.log("opened"); } catch (e) { console.log(e.code); }`;
  const other = spawn(process.execPath, ["--input-type=module", "-e", probe, path], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  other.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  await new Promise((r) => other.on("exit", r));
  assert.equal(out.trim(), "Unavailable");
  await first.close();
  const second = SqliteStorage.open(path, { compactIntervalMs: 0 });
  assert.equal((await second.get("/k"))?.value, "1500");
  await second.close();
});

test("the checkpointer thread keeps the WAL bounded under continuous writes", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  // Small thresholds so that a short run resets the WAL many times: about 1 MB of WAL per reset.
  const s = SqliteStorage.open(path, {
    compactIntervalMs: 10, retainRevisions: 1000, retainMs: 0,
    checkpointIntervalMs: 50, checkpointNudgeCommits: 100, walRestartFrames: 256, walTruncateBytes: 4 << 20,
  });
  const walSize = () => { try { return statSync(`${path}-wal`).size; } catch { return 0; } };
  try {
    const value = "x".repeat(512);
    const kvs = await Promise.all(Array.from({ length: 100 }, (_, i) => s.create(`/k/${i}`, value)));
    const commits = 20_000;
    let maxWal = 0;
    for (let n = 0; n < commits; n++) {
      const i = n % kvs.length;
      kvs[i] = await s.update(kvs[i]!.key, `${value}${n}`, kvs[i]!.modRevision);
      if (n % 50 === 0) {
        // The first commits run before the thread has started (~50-100 ms): measure the steady state.
        if (n >= commits / 4) maxWal = Math.max(maxWal, walSize());
        await new Promise((r) => setImmediate(r));
      }
    }
    // 20,000 commits append ~3 pages each (~240 MB of WAL in all); without resets the WAL would hold all of them.
    assert.ok(maxWal < 32 << 20, `WAL reached ${maxWal} bytes`);
    // Once writes stop, the next rounds leave a small WAL behind (TRUNCATE above walTruncateBytes).
    // Generous: on a busy 2-core machine (containerd tests alongside) the checkpointer's next rounds can lag.
    await waitUntil(async () => walSize() <= 4 << 20, 30_000);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      // The worker's post-reset write counts the resets.
      const resets = db.prepare("SELECT value FROM meta WHERE name = 'wal_resets'").get()?.value as number | undefined;
      assert.ok((resets ?? 0) >= 10, `${resets} WAL resets`);
    } finally {
      db.close();
    }
    for (const kv of kvs) assert.equal((await s.get(kv.key))?.modRevision, kv.modRevision);
  } finally {
    await s.close();
  }
  // close() leaves no WAL behind.
  assert.equal(walSize(), 0);
});

test("the checkpointer thread runs only while writes come: it retires, emptying the WAL, and comes back", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const walSize = () => { try { return statSync(`${path}-wal`).size; } catch { return 0; } };
  // A thread may exit between listing and reading its name: it no longer counts.
  const named = (t: string) => { try { return readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim(); } catch { return ""; } };
  const threads = () => readdirSync("/proc/self/task").filter((t) => named(t) === "WorkerThread").length;
  const before = threads();
  const s = SqliteStorage.open(path, { compactIntervalMs: 0, checkpointIntervalMs: 50, checkpointNudgeCommits: 50, idleRetireMs: 300 });
  try {
    let kv = await s.create("/k", "0");
    // Fewer commits than a nudge: no thread.
    for (let i = 1; i < 20; i++) kv = await s.update("/k", String(i), kv.modRevision);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(threads(), before, "a few writes start no checkpointer thread");
    for (let round = 1; round <= 2; round++) {
      for (let i = 0; i < 100; i++) kv = await s.update("/k", `${round}-${i}`, kv.modRevision);
      // The thread names itself once it runs, which on a loaded machine can be a while after it is started: keep
      // writing (so it does not retire) until it shows.
      const deadline = Date.now() + 10_000;
      for (let i = 0; threads() !== before + 1 && Date.now() < deadline; i++) {
        kv = await s.update("/k", `${round}-more-${i}`, kv.modRevision);
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(threads(), before + 1, `the checkpointer runs while writes come (round ${round})`);
      kv = await s.update("/k", `${round}-last`, kv.modRevision);
      await waitUntil(async () => threads() === before && walSize() === 0, 10_000);
    }
    assert.equal((await s.get("/k"))?.value, "2-last");
  } finally {
    await s.close();
  }
});

// Group commit: the writes issued in one event-loop turn share a transaction but behave as if run one by one.

test("group commit: 200 concurrent creates get consecutive revisions and ordered events, in one transaction", async () => {
  await using tmp = await tempDir();
  const s = SqliteStorage.open(join(tmp.dir, "db"), { compactIntervalMs: 0 });
  try {
    const start = await s.currentRevision();
    const w = await watchInto(s, "/", start);
    const before = s.batchStats();
    const kvs = await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`/g/${i}`, `v${i}`)));
    const after = s.batchStats();
    assert.deepEqual(kvs.map((kv) => kv.modRevision), Array.from({ length: 200 }, (_, i) => start + 1 + i));
    assert.equal(after.ops - before.ops, 200);
    assert.equal(after.batches - before.batches, 1, "issued in one turn: one transaction");
    await w.until(200);
    assert.deepEqual(w.events.map((e) => e.type === "put" && e.kv.modRevision), kvs.map((kv) => kv.modRevision));
    assert.equal(await s.currentRevision(), start + 200);
    for (const kv of kvs) assert.deepEqual(await s.get(kv.key), kv);
    w.stop();
  } finally {
    await s.close();
  }
});

test("group commit: more writes than one batch holds are split, in order", async () => {
  await using tmp = await tempDir();
  const s = SqliteStorage.open(join(tmp.dir, "db"), { compactIntervalMs: 0 });
  try {
    const before = s.batchStats();
    const kvs = await Promise.all(Array.from({ length: 1000 }, (_, i) => s.create(`/g/${i}`, "v")));
    const batches = s.batchStats().batches - before.batches;
    assert.ok(batches >= 2 && batches <= 8, `${batches} batches`);
    for (let i = 1; i < kvs.length; i++) assert.equal(kvs[i]!.modRevision, kvs[i - 1]!.modRevision + 1);
  } finally {
    await s.close();
  }
});

const settled = <T>(p: Promise<T>) => p.then((value) => ({ value, error: undefined }), (error: unknown) => ({ value: undefined, error: error as StorageError }));

test("group commit: each write sees the earlier writes of its batch; a failure undoes only itself", async () => {
  await using tmp = await tempDir();
  const s = SqliteStorage.open(join(tmp.dir, "db"), { compactIntervalMs: 0 });
  try {
    const base = await s.currentRevision();
    const w = await watchInto(s, "/", base);
    // All issued in one turn: one batch.
    const results = await Promise.all([
      settled(s.create("/a", "1")), // base+1
      settled(s.create("/a", "2")), // KeyExists: sees the first
      settled(s.update("/a", "3", base + 1)), // base+2: updates the key created in this batch
      settled(s.update("/a", "4", base + 1)), // Conflict: the previous update won
      settled(s.update("/missing", "x", 1)), // NotFound
      settled(s.create("/b", "1")), // base+3
      settled(s.delete("/b", base + 99)), // Conflict
      settled(s.delete("/b", base + 3)), // base+4
      settled(s.create("/b", "again")), // base+5: a new incarnation after the delete in this batch
    ]);
    const [c1, c2, u1, u2, nf, b1, d1, d2, b2] = results;
    assert.deepEqual(c1!.value, { key: "/a", value: "1", createRevision: base + 1, modRevision: base + 1 });
    assert.equal(c2!.error?.code, "KeyExists");
    assert.deepEqual(c2!.error?.current, c1!.value);
    assert.deepEqual(u1!.value, { key: "/a", value: "3", createRevision: base + 1, modRevision: base + 2 });
    assert.equal(u2!.error?.code, "Conflict");
    assert.deepEqual(u2!.error?.current, u1!.value, "Conflict carries the winner's value");
    assert.equal(nf!.error?.code, "NotFound");
    assert.equal(b1!.value?.modRevision, base + 3);
    assert.equal(d1!.error?.code, "Conflict");
    assert.deepEqual(d1!.error?.current, b1!.value);
    assert.deepEqual(d2!.value, { prev: b1!.value, revision: base + 4 });
    assert.deepEqual(b2!.value, { key: "/b", value: "again", createRevision: base + 5, modRevision: base + 5 });
    for (const r of results) assert.ok(r.error === undefined || r.error instanceof StorageError);
    assert.equal(await s.currentRevision(), base + 5);
    assert.deepEqual(await s.get("/a"), u1!.value);
    assert.deepEqual(await s.get("/b"), b2!.value);
    await w.until(5);
    assert.deepEqual(w.events, [
      { type: "put", kv: c1!.value },
      { type: "put", kv: u1!.value },
      { type: "put", kv: b1!.value },
      { type: "delete", key: "/b", revision: base + 4, prev: b1!.value },
      { type: "put", kv: b2!.value },
    ]);
    w.stop();
  } finally {
    await s.close();
  }
});

test("group commit: a write whose INSERT fails on the log's constraint undoes only itself", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  try {
    const a = await s.create("/a", "1");
    // Another writer takes the successor slot of /a's row behind the store's back, so the store's checks pass
    // and its INSERT is the statement that fails.
    const other = new DatabaseSync(path, { timeout: 1000 });
    try {
      other.prepare("INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value) VALUES (1000000, '/a', ?, ?, 0, 'racer')").run(a.createRevision, a.modRevision);
    } finally {
      other.close();
    }
    const [c, u, d] = await Promise.all([settled(s.create("/c", "1")), settled(s.update("/a", "2", a.modRevision)), settled(s.create("/d", "1"))]);
    assert.equal(u!.error?.code, "Conflict");
    assert.equal(c!.value?.modRevision, a.modRevision + 1);
    assert.equal(d!.value?.modRevision, a.modRevision + 2, "the failed write took no revision");
    assert.deepEqual(await s.get("/c"), c!.value);
    assert.deepEqual(await s.get("/d"), d!.value);
    assert.deepEqual(await s.get("/a"), a, "the failed update left /a as it was");
  } finally {
    await s.close();
  }
});

test("group commit: a batch that meets a held writer lock waits for it and acknowledges nothing before COMMIT", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  const s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  const other = new DatabaseSync(path, { timeout: 0 });
  try {
    const base = (await s.create("/k", "0")).modRevision;
    // Another connection holds the writer lock, as the checkpointer does while it resets the WAL.
    other.exec("BEGIN IMMEDIATE");
    let acked = 0;
    const first = settled(s.update("/k", "1", base)).finally(() => acked++);
    const second = settled(s.update("/k", "2", base)).finally(() => acked++);
    const created = settled(s.create("/n", "x")).finally(() => acked++);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(acked, 0, "nothing acknowledged while the lock is held");
    assert.equal(await s.get("/n"), undefined);
    assert.equal((await s.get("/k"))?.value, "0");
    // Writes issued while the batch waits queue behind it.
    const later = settled(s.update("/k", "3", base + 1));
    other.exec("COMMIT");
    const [f, sec, c, l] = await Promise.all([first, second, created, later]);
    assert.equal(f.value?.modRevision, base + 1);
    assert.equal(sec.error?.code, "Conflict");
    assert.deepEqual(sec.error?.current, f.value);
    assert.equal(c.value?.modRevision, base + 2);
    assert.equal(l.value?.modRevision, base + 3);
    assert.equal(await s.currentRevision(), base + 3);
  } finally {
    if (other.isTransaction) other.exec("ROLLBACK");
    other.close();
    await s.close();
  }
});

test("group commit: writes issued just before close() still commit", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.dir, "db");
  let s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  const pending = Promise.all([s.create("/x", "1"), s.create("/y", "2")]);
  const closed = s.close();
  await assert.rejects(s.create("/z", "3"), (e: unknown) => e instanceof StorageError && e.code === "Unavailable");
  const [x, y] = await pending;
  await closed;
  s = SqliteStorage.open(path, { compactIntervalMs: 0 });
  try {
    assert.deepEqual(await s.get("/x"), x);
    assert.deepEqual(await s.get("/y"), y);
    assert.equal(await s.get("/z"), undefined);
  } finally {
    await s.close();
  }
});
