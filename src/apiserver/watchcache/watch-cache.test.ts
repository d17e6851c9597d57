import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "../../storage/sqlite/sqlite-storage.ts";
import { StorageError } from "../../storage/interface.ts";
import type { Storage, WatchOptions } from "../../storage/interface.ts";
import { WatchCache } from "./watch-cache.ts";

/** A store whose first watch can be broken as an unreachable datastore's would be; later watches work. */
function flakyWatches(inner: Storage): { storage: Storage; breakWatch(): void } {
  let first: { opts: WatchOptions; stop: AbortController } | undefined;
  const watch = (opts: WatchOptions) => {
    if (first) return inner.watch(opts);
    const stop = new AbortController();
    first = { opts, stop };
    return inner.watch({ ...opts, signal: AbortSignal.any([opts.signal, stop.signal]) });
  };
  // Everything else goes to the real store (bound: it keeps private state).
  const storage = new Proxy(inner, {
    get: (target, prop) => {
      if (prop === "watch") return watch;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Storage;
  return {
    storage,
    breakWatch: () => {
      first!.stop.abort();
      first!.opts.onError(new StorageError("Unavailable", "datastore out of reach"));
    },
  };
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), what);
};

/** A watch cache following a fresh SQLite store (through `follow`, if given); both are closed when the test ends. */
async function startedCache(t: TestContext, follow: (s: Storage) => Storage = (s) => s): Promise<{ storage: SqliteStorage; cache: WatchCache }> {
  const dir = await mkdtemp(join(tmpdir(), "berth-wc-"));
  const storage = SqliteStorage.open(join(dir, "db"));
  const abort = new AbortController();
  t.after(async () => {
    abort.abort();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });
  const cache = new WatchCache(follow(storage));
  await cache.start(abort.signal);
  return { storage, cache };
}

test("a storage watch that ends while the datastore is away is resumed from the cache's revision", async (t) => {
  let breakWatch!: () => void;
  const { storage: inner, cache } = await startedCache(t, (s) => {
    const flaky = flakyWatches(s);
    breakWatch = flaky.breakWatch;
    return flaky.storage;
  });
  await inner.create("/registry/core/configmaps/default/a", JSON.stringify({ metadata: { name: "a" } }));
  await until(() => cache.get("/registry/core/configmaps/default/a") !== undefined, "cache sees a");

  breakWatch();
  assert.equal(cache.healthy, false);
  await inner.create("/registry/core/configmaps/default/b", JSON.stringify({ metadata: { name: "b" } }));
  await until(() => cache.healthy, "cache healthy again");
  await until(() => cache.get("/registry/core/configmaps/default/b") !== undefined, "a write made while the watch was down arrives");
});

test("a resource keeps at least its last 10,000 events for resuming watches; older positions are refused", async (t) => {
  const { storage, cache } = await startedCache(t);
  const prefix = "/registry/core/configmaps/";
  const key = `${prefix}default/churn`;
  let kv = await storage.create(key, JSON.stringify({ metadata: { name: "churn" } }));
  const first = kv.modRevision;
  // Past the point where the history is trimmed (10,000 plus a quarter), so a trim has happened.
  const writes = 13_000;
  for (let i = 1; i < writes; i++) kv = await storage.update(key, JSON.stringify({ metadata: { name: "churn" }, data: { i: String(i) } }), kv.modRevision);
  await until(() => cache.revision >= kv.modRevision, "cache caught up");

  const noop = { deliver: () => {} };
  assert.equal(cache.addWatcher(prefix, first, noop), undefined, "the first writes are beyond the history kept");
  const from = kv.modRevision - 10_000;
  const replay = cache.addWatcher(prefix, from, noop);
  assert.ok(replay, "a watch from 10,000 events back resumes");
  assert.equal(replay.length, 10_000);
  assert.deepEqual(replay.map((e) => e.rv), Array.from({ length: 10_000 }, (_, i) => from + 1 + i));
  assert.ok(cache.oldestRevision(prefix) <= from);
  cache.removeWatcher(prefix, noop);
});

test("a consistent read is answered from the cache only when it has every write the store has", async (t) => {
  const { storage, cache } = await startedCache(t);
  const key = "/registry/core/configmaps/default/a";
  const kv = await storage.create(key, JSON.stringify({ metadata: { name: "a" } }));
  // Acknowledged writes are in the cache by the time anyone can ask (events are applied before the writer resumes).
  assert.equal(cache.current(key, storage.revisionNow())?.rv, kv.modRevision);
  assert.equal(JSON.parse(cache.current(key, storage.revisionNow())!.json).metadata.resourceVersion, String(kv.modRevision));
  assert.equal(cache.current("/registry/core/configmaps/default/none", storage.revisionNow()), null, "absent, and known to be");
  assert.equal(cache.current(key, storage.revisionNow() + 1), undefined, "behind the store: storage must be read");
  assert.equal(cache.current(key, undefined), undefined, "no local revision to compare with (etcd)");
  await storage.delete(key);
  assert.equal(cache.current(key, storage.revisionNow()), null);
});
