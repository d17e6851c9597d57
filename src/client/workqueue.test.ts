import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkQueue } from "./workqueue.ts";
import { ItemExponentialLimiter } from "./rate-limiter.ts";

/** Resolves with the promise's value if it has settled by the time pending microtasks have run, else "pending". */
async function settled<T>(p: Promise<T>): Promise<T | "pending"> {
  return Promise.race([p, new Promise<"pending">((r) => setImmediate(() => r("pending")))]);
}

test("keys come out in the order added; a key added twice while waiting waits once", async () => {
  const q = new WorkQueue<string>();
  q.add("a");
  q.add("b");
  q.add("a");
  assert.equal(q.length, 2);
  assert.equal(await q.get(), "a");
  assert.equal(await q.get(), "b");
  assert.equal(await settled(q.get()), "pending");
});

test("a key added while it is processed is handed out again only after done()", async () => {
  const q = new WorkQueue<string>();
  q.add("a");
  const key = await q.get();
  q.add("a");
  q.add("a");
  assert.equal(q.length, 0, "not queued while processing");
  const next = q.get();
  assert.equal(await settled(next), "pending");
  q.done(key!);
  assert.equal(await settled(next), "a");
  q.done("a");
  assert.equal(q.length, 0, "added twice while processing, handed out once");
  assert.equal(await settled(q.get()), "pending");
});

test("done() on a key not re-added frees it without queueing it", async () => {
  const q = new WorkQueue<string>();
  q.add("a");
  q.done((await q.get())!);
  assert.equal(q.length, 0);
  q.add("a");
  assert.equal(q.length, 1, "a done key can be added again");
});

test("waiting getters never receive the same key at once", async () => {
  const q = new WorkQueue<string>();
  const first = q.get();
  const second = q.get();
  q.add("a");
  q.add("a");
  assert.equal(await settled(first), "a");
  assert.equal(await settled(second), "pending", "a is being processed by the first getter");
  q.add("b");
  assert.equal(await settled(second), "b");
  const third = q.get();
  q.done("a");
  assert.equal(await settled(third), "a", "the re-added a goes to a waiting getter once done");
});

test("addAfter adds the key when due and keeps the earlier of two times", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
  const q = new WorkQueue<string>();
  q.addAfter("late-then-early", 100);
  q.addAfter("late-then-early", 50);
  q.addAfter("early-then-late", 50);
  q.addAfter("early-then-late", 100);
  t.mock.timers.tick(49);
  assert.equal(q.length, 0);
  t.mock.timers.tick(1);
  assert.equal(q.length, 2);
  assert.equal(await q.get(), "late-then-early");
  assert.equal(await q.get(), "early-then-late");
  q.done("late-then-early");
  q.done("early-then-late");
  t.mock.timers.tick(100);
  assert.equal(q.length, 0, "the later times were dropped, not kept as second timers");

  q.addAfter("now", 0);
  assert.equal(q.length, 1, "no delay adds at once");
});

test("addRateLimited backs off per key from 5 ms, doubling, until forget()", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
  const q = new WorkQueue<string>(new ItemExponentialLimiter<string>());
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    q.addRateLimited("a");
    let waited = 0;
    while (q.length === 0) {
      t.mock.timers.tick(1);
      waited++;
    }
    delays.push(waited);
    q.done((await q.get())!);
  }
  assert.deepEqual(delays, [5, 10, 20, 40]);
  assert.equal(q.retries("a"), 4);
  assert.equal(q.retries("b"), 0, "backoff is per key");

  q.forget("a");
  assert.equal(q.retries("a"), 0);
  q.addRateLimited("a");
  t.mock.timers.tick(4);
  assert.equal(q.length, 0);
  t.mock.timers.tick(1);
  assert.equal(q.length, 1, "after forget, the next retry waits the base delay again");
});

test("shutdown wakes waiting getters with undefined, drops delayed keys, and ignores new ones", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
  const q = new WorkQueue<string>();
  const waiting = [q.get(), q.get()];
  q.shutdown();
  assert.deepEqual(await Promise.all(waiting), [undefined, undefined]);
  assert.equal(q.shuttingDown, true);
  q.add("a");
  assert.equal(q.length, 0);
  assert.equal(await q.get(), undefined);

  const q2 = new WorkQueue<string>();
  q2.add("queued");
  q2.addAfter("delayed", 10);
  q2.shutdown();
  t.mock.timers.tick(10);
  assert.equal(await q2.get(), "queued", "keys already queued still drain");
  assert.equal(await q2.get(), undefined);
});
