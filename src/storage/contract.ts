// The behaviour every Storage backend must show, as node:test tests. A backend's test file calls
// storageContract(name, open); `open` must return an empty store that no one else writes to while the test runs.
// Revisions are compared relatively (a backend such as etcd does not start at 0).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StorageError } from "./interface.ts";
import type { KeyValue, Storage, StorageErrorCode, WatchEvent } from "./interface.ts";

export type OpenStorage = () => Promise<{ storage: Storage; cleanup(): Promise<void> }>;

export function storageContract(name: string, open: OpenStorage): void {
  const withStore = (fn: (s: Storage) => Promise<void>) => async () => {
    const { storage, cleanup } = await open();
    try {
      await fn(storage);
    } finally {
      await cleanup();
    }
  };

  describe(`storage contract: ${name}`, () => {
    test("create assigns one increasing revision and get returns it", withStore(async (s) => {
      const start = await s.currentRevision();
      const a = await s.create("/r/a", "1");
      const b = await s.create("/r/b", "2");
      assert.ok(a.modRevision > start);
      assert.ok(b.modRevision > a.modRevision);
      assert.equal(a.createRevision, a.modRevision);
      assert.equal(await s.currentRevision(), b.modRevision);
      assert.deepEqual(await s.get("/r/a"), { key: "/r/a", value: "1", createRevision: a.modRevision, modRevision: a.modRevision });
      assert.equal(await s.get("/r/missing"), undefined);
    }));

    test("create of an existing key fails with KeyExists and writes nothing", withStore(async (s) => {
      await s.create("/k", "v1");
      const rev = await s.currentRevision();
      await rejectsWith(s.create("/k", "v2"), "KeyExists");
      assert.equal(await s.currentRevision(), rev);
      assert.equal((await s.get("/k"))?.value, "v1");
    }));

    test("update is compare-and-swap on modRevision", withStore(async (s) => {
      const c = await s.create("/k", "v1");
      const u = await s.update("/k", "v2", c.modRevision);
      assert.ok(u.modRevision > c.modRevision);
      assert.equal(u.createRevision, c.createRevision);
      assert.deepEqual(await s.get("/k"), u);
      const err = await rejectsWith(s.update("/k", "v3", c.modRevision), "Conflict");
      assert.deepEqual(err.current, u, "Conflict carries the current value");
      assert.equal((await s.get("/k"))?.value, "v2");
      await rejectsWith(s.update("/absent", "x", 1), "NotFound");
    }));

    test("delete returns the deleted value and the delete's revision; honours an expected revision", withStore(async (s) => {
      const c = await s.create("/k", "v1");
      const err = await rejectsWith(s.delete("/k", c.modRevision + 1000), "Conflict");
      assert.deepEqual(err.current, c);
      const d = await s.delete("/k", c.modRevision);
      assert.deepEqual(d.prev, c);
      assert.ok(d.revision > c.modRevision);
      assert.equal(await s.currentRevision(), d.revision);
      assert.equal(await s.get("/k"), undefined);
      await rejectsWith(s.delete("/k"), "NotFound");
      await rejectsWith(s.update("/k", "x", c.modRevision), "NotFound");
      const other = await s.create("/j", "v");
      assert.deepEqual((await s.delete("/j")).prev, other, "delete without an expected revision");
    }));

    test("re-creating a deleted key starts a new incarnation", withStore(async (s) => {
      const first = await s.create("/k", "v1");
      await s.delete("/k");
      const second = await s.create("/k", "v2");
      assert.ok(second.createRevision > first.createRevision);
      assert.equal(second.createRevision, second.modRevision);
      const u = await s.update("/k", "v3", second.modRevision);
      assert.equal(u.createRevision, second.createRevision);
    }));

    test("list returns the keys under a prefix in key order", withStore(async (s) => {
      for (const k of ["/p/b", "/p/a", "/p/c/x", "/pa", "/o", "/p0"]) await s.create(k, `v${k}`);
      const r = await s.list({ prefix: "/p/" });
      assert.deepEqual(r.kvs.map((kv) => kv.key), ["/p/a", "/p/b", "/p/c/x"]);
      assert.equal(r.revision, await s.currentRevision());
      assert.equal(r.more, false);
      const a = r.kvs[0]!;
      assert.equal(a.value, "v/p/a");
      assert.equal(a.modRevision, (await s.get("/p/a"))!.modRevision);
      assert.equal((await s.list({ prefix: "" })).kvs.length, 6);
      assert.deepEqual((await s.list({ prefix: "/q" })).kvs, []);
    }));

    test("list pages with limit and after at the first page's revision", withStore(async (s) => {
      for (let i = 0; i < 10; i++) await s.create(`/pg/${i}`, `v${i}`);
      await s.create("/pgz", "outside");
      const first = await s.list({ prefix: "/pg/", limit: 4 });
      assert.deepEqual(first.kvs.map((kv) => kv.key), ["/pg/0", "/pg/1", "/pg/2", "/pg/3"]);
      assert.equal(first.more, true);
      if (first.remaining !== undefined) assert.equal(first.remaining, 6);
      // Writes between pages must not show in later pages read at the first page's revision.
      await s.delete("/pg/5");
      const six = (await s.get("/pg/6"))!;
      await s.update("/pg/6", "changed", six.modRevision);
      await s.create("/pg/55", "new");
      const keys = first.kvs.map((kv) => kv.key);
      let page = first;
      while (page.more) {
        page = await s.list({ prefix: "/pg/", limit: 4, after: page.kvs.at(-1)!.key, revision: first.revision });
        assert.equal(page.revision, first.revision);
        keys.push(...page.kvs.map((kv) => kv.key));
        const old6 = page.kvs.find((kv) => kv.key === "/pg/6");
        if (old6) assert.deepEqual(old6, six);
      }
      assert.deepEqual(keys, Array.from({ length: 10 }, (_, i) => `/pg/${i}`));
      const now = await s.list({ prefix: "/pg/", after: "/pg/4" });
      assert.deepEqual(now.kvs.map((kv) => kv.key), ["/pg/55", "/pg/6", "/pg/7", "/pg/8", "/pg/9"]);
      assert.equal(now.more, false);
      const exact = await s.list({ prefix: "/pg/", limit: 10 });
      assert.equal(exact.kvs.length, 10);
      assert.equal(exact.more, false, "a page that ends exactly at the last key has no more");
    }));

    test("list at a past revision shows the state as of that revision", withStore(async (s) => {
      const a = await s.create("/h/a", "a1");
      const b = await s.create("/h/b", "b1");
      const at = await s.currentRevision();
      await s.update("/h/a", "a2", a.modRevision);
      await s.delete("/h/b");
      await s.create("/h/c", "c1");
      const past = await s.list({ prefix: "/h/", revision: at });
      assert.deepEqual(past.kvs, [a, b]);
      assert.equal(past.revision, at);
      const before = await s.list({ prefix: "/h/", revision: a.modRevision });
      assert.deepEqual(before.kvs, [a]);
      const now = await s.list({ prefix: "/h/" });
      assert.deepEqual(now.kvs.map((kv) => [kv.key, kv.value]), [["/h/a", "a2"], ["/h/c", "c1"]]);
    }));

    test("list above the current revision fails with FutureRevision", withStore(async (s) => {
      await s.create("/k", "v");
      const rev = await s.currentRevision();
      await rejectsWith(s.list({ prefix: "/", revision: rev + 1 }), "FutureRevision");
    }));

    test("compaction keeps the state at the compact revision and rejects older reads and watches", withStore(async (s) => {
      const a = await s.create("/c/a", "a1");
      const b = await s.create("/c/b", "b1");
      const a2 = await s.update("/c/a", "a2", a.modRevision);
      await s.delete("/c/b");
      const gone = await s.create("/c/gone", "x");
      await s.delete("/c/gone");
      const c = await s.create("/c/c", "c1");
      const at = await s.currentRevision();
      const a3 = await s.update("/c/a", "a3", a2.modRevision);
      await s.compact(at);
      assert.equal(await s.compactedRevision(), at);
      const err = await rejectsWith(s.list({ prefix: "/c/", revision: b.modRevision }), "Compacted");
      assert.equal(err.compactRevision, at);
      assert.deepEqual((await s.list({ prefix: "/c/", revision: at })).kvs, [a2, c]);
      assert.deepEqual((await s.list({ prefix: "/c/" })).kvs, [a3, c]);
      const werr = await rejectsWith(s.watch({ prefix: "/c/", afterRevision: at - 1, signal: AbortSignal.timeout(1000), onEvents: () => {}, onError: () => {} }), "Compacted");
      assert.equal(werr.compactRevision, at);
      // A deletion after the compact revision still carries the value it deleted, though that was written before.
      const cGone = await s.delete("/c/c");
      const w = await watchInto(s, "/c/", at);
      await w.until(2);
      assert.deepEqual(w.events, [{ type: "put", kv: a3 }, { type: "delete", key: "/c/c", revision: cGone.revision, prev: c }]);
      w.stop();
      // A deleted and compacted key can come back.
      const again = await s.create("/c/gone", "y");
      assert.ok(again.createRevision > gone.createRevision);
      await s.compact(await s.currentRevision());
      assert.deepEqual((await s.get("/c/gone"))?.value, "y");
      assert.equal((await s.list({ prefix: "/c/" })).kvs.length, 2);
    }));

    test("watch replays history after a revision, then live events, in order", withStore(async (s) => {
      const a = await s.create("/w/a", "1");
      const from = a.modRevision;
      const a2 = await s.update("/w/a", "2", a.modRevision);
      const b = await s.create("/w/b", "1");
      const db = await s.delete("/w/b");
      const w = await watchInto(s, "/w/", from);
      await w.until(3);
      const a3 = await s.update("/w/a", "3", a2.modRevision);
      await w.until(4);
      assert.deepEqual(w.events, [
        { type: "put", kv: a2 },
        { type: "put", kv: b },
        { type: "delete", key: "/w/b", revision: db.revision, prev: b },
        { type: "put", kv: a3 },
      ]);
      assertOrdered(w.batches);
      assert.equal(w.error(), undefined);
      w.stop();
    }));

    test("watch from the current revision sees only later changes; a watcher sees only committed state", withStore(async (s) => {
      await s.create("/w/old", "x");
      const w = await watchInto(s, "/w/", await s.currentRevision());
      const reads: Promise<KeyValue | undefined>[] = [];
      const seen = await watchInto(s, "/w/", await s.currentRevision(), (events) => {
        for (const e of events) if (e.type === "put") reads.push(s.get(e.kv.key));
      });
      const n = await s.create("/w/new", "y");
      await w.until(1);
      await seen.until(1);
      assert.deepEqual(w.events, [{ type: "put", kv: n }]);
      assert.deepEqual(await Promise.all(reads), [n], "the write is readable when its event arrives");
      w.stop();
      seen.stop();
    }));

    test("watch filters by prefix", withStore(async (s) => {
      const start = await s.currentRevision();
      const w = await watchInto(s, "/a/", start);
      await s.create("/b/x", "1");
      await s.create("/a0", "1");
      const mine = await s.create("/a/x", "1");
      await s.delete("/b/x");
      await w.until(1);
      await settle();
      assert.deepEqual(w.events.map(eventKey), ["/a/x"]);
      assert.equal(w.events[0]!.type === "put" && w.events[0]!.kv.modRevision, mine.modRevision);
      w.stop();
    }));

    test("aborting the signal stops delivery without an error", withStore(async (s) => {
      const w = await watchInto(s, "/", await s.currentRevision());
      await s.create("/one", "1");
      await w.until(1);
      w.stop();
      await s.create("/two", "2");
      await settle();
      assert.deepEqual(w.events.map(eventKey), ["/one"]);
      assert.equal(w.error(), undefined);
      const late = await watchInto(s, "/", 0, undefined, AbortSignal.abort());
      await s.create("/three", "3");
      await settle();
      assert.deepEqual(late.events, [], "a watch started with an aborted signal delivers nothing");
    }));

    test("many concurrent watchers each see every event in order", withStore(async (s) => {
      const start = await s.currentRevision();
      const pre = await s.create("/m/pre", "0");
      const watchers = await Promise.all(Array.from({ length: 50 }, (_, i) => watchInto(s, i % 2 ? "/m/" : "/", i % 3 ? start : pre.modRevision)));
      const writes: KeyValue[] = [];
      for (let i = 0; i < 40; i++) writes.push(await s.create(`/m/${i}`, String(i)));
      for (const [i, w] of watchers.entries()) {
        const expected = i % 3 ? [pre, ...writes] : writes;
        await w.until(expected.length);
        assert.deepEqual(w.events.map((e) => e.type === "put" && e.kv.modRevision), expected.map((kv) => kv.modRevision));
        assertOrdered(w.batches);
        w.stop();
      }
    }));

    test("a long replay hands over to live events without gaps or duplicates", withStore(async (s) => {
      const start = await s.currentRevision();
      for (let i = 0; i < 2500; i++) await s.create(`/l/${i}`, "v");
      const w = await watchInto(s, "/l/", start);
      // Keep writing while the replay is in progress.
      for (let i = 2500; i < 2600; i++) {
        await s.create(`/l/${i}`, "v");
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      await w.until(2600, 10_000);
      await settle();
      assert.equal(w.events.length, 2600);
      assert.deepEqual(w.events.map(eventKey), Array.from({ length: 2600 }, (_, i) => `/l/${i}`));
      assertOrdered(w.batches);
      w.stop();
    }));

    test("random history: every uncompacted revision lists as a model says, across compactions", withStore(async (s) => {
      const model = new Map<string, KeyValue>();
      const snapshots = new Map<number, KeyValue[]>();
      let seed = 7;
      const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
      let checked = 0;
      const verify = async () => {
        const floor = await s.compactedRevision();
        for (const [rev, expected] of snapshots) {
          if (rev < floor) {
            snapshots.delete(rev);
            continue;
          }
          assert.deepEqual((await s.list({ prefix: "/rnd/", revision: rev })).kvs, expected, `at revision ${rev}`);
          checked++;
        }
      };
      for (let i = 0; i < 400; i++) {
        const key = `/rnd/${rand(12)}`;
        const cur = model.get(key);
        if (!cur) model.set(key, await s.create(key, `v${i}`));
        else if (rand(4) === 0) {
          assert.deepEqual((await s.delete(key, cur.modRevision)).prev, cur);
          model.delete(key);
        } else model.set(key, await s.update(key, `v${i}`, cur.modRevision));
        snapshots.set(await s.currentRevision(), [...model.values()].sort((x, y) => (x.key < y.key ? -1 : 1)));
        if (i % 97 === 96) {
          const to = (await s.currentRevision()) - rand(40);
          if (to > (await s.compactedRevision())) await s.compact(to);
          await verify();
        }
      }
      await verify();
      assert.ok(checked >= 100, `checked ${checked} revisions`);
      for (const [key, kv] of model) assert.deepEqual(await s.get(key), kv);
    }));
  });
}

async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StorageError, `expected a StorageError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

const eventKey = (e: WatchEvent): string => (e.type === "put" ? e.kv.key : e.key);
const eventRev = (e: WatchEvent): number => (e.type === "put" ? e.kv.modRevision : e.revision);

/** Revisions strictly increase across and within batches (so no revision is split or repeated). */
function assertOrdered(batches: WatchEvent[][]): void {
  const revs = batches.flat().map(eventRev);
  for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `revision ${revs[i]} after ${revs[i - 1]}`);
  for (const b of batches) assert.ok(b.length > 0, "no empty batches");
}

/** Lets pending deliveries run: a few event-loop turns. */
const settle = () => new Promise((r) => setTimeout(r, 50));

export interface WatchRecorder {
  events: WatchEvent[];
  batches: WatchEvent[][];
  error(): StorageError | undefined;
  until(n: number, ms?: number): Promise<void>;
  stop(): void;
}

/** Starts a watch that records what it receives. */
export async function watchInto(
  s: Storage,
  prefix: string,
  afterRevision: number,
  also?: (events: WatchEvent[]) => void,
  signal?: AbortSignal,
): Promise<WatchRecorder> {
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  const batches: WatchEvent[][] = [];
  let error: StorageError | undefined;
  const wake = new Set<() => void>();
  const notify = () => wake.forEach((f) => f());
  await s.watch({
    prefix,
    afterRevision,
    signal: signal ?? ac.signal,
    onEvents: (b) => {
      batches.push(b);
      events.push(...b);
      also?.(b);
      notify();
    },
    onError: (e) => {
      error = e;
      notify();
    },
  });
  return {
    events,
    batches,
    error: () => error,
    stop: () => ac.abort(),
    until: (n, ms = 3000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (events.length < n && !error) return;
          wake.delete(check);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        };
        const timer = setTimeout(() => {
          wake.delete(check);
          reject(new Error(`watch on ${prefix} got ${events.length} of ${n} events`));
        }, ms);
        wake.add(check);
        check();
      }),
  };
}
