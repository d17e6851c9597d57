import { test } from "node:test";
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

test("a storage watch that ends while the datastore is away is resumed from the cache's revision", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-wc-"));
  const inner = SqliteStorage.open(join(dir, "db"));
  const abort = new AbortController();
  t.after(async () => {
    abort.abort();
    await inner.close();
    await rm(dir, { recursive: true, force: true });
  });
  const { storage, breakWatch } = flakyWatches(inner);
  const cache = new WatchCache(storage);
  await cache.start(abort.signal);
  await inner.create("/registry/core/configmaps/default/a", JSON.stringify({ metadata: { name: "a" } }));
  await until(() => cache.get("/registry/core/configmaps/default/a") !== undefined, "cache sees a");

  breakWatch();
  assert.equal(cache.healthy, false);
  await inner.create("/registry/core/configmaps/default/b", JSON.stringify({ metadata: { name: "b" } }));
  await until(() => cache.healthy, "cache healthy again");
  await until(() => cache.get("/registry/core/configmaps/default/b") !== undefined, "a write made while the watch was down arrives");
});
