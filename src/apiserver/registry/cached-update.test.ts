import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "../../storage/sqlite/sqlite-storage.ts";
import { resourceTypes } from "../../api/resources.ts";
import type { KubeObject } from "../../api/scheme.ts";
import { StatusError } from "../../api/errors.ts";
import { Registry } from "./registry.ts";
import type { WriteOptions } from "./store.ts";

const opts: WriteOptions = { dryRun: false, fieldManager: "test", user: undefined };

/** A registry whose updates start from a cache the test controls, frozen at whatever it was last given. */
async function setup(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), "berth-cached-"));
  const storage = SqliteStorage.open(join(dir, "db"));
  t.after(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });
  const frozen = new Map<string, { value: string; modRevision: number }>();
  const registry = new Registry(resourceTypes, { storage, admission: [], now: () => new Date(), cached: (key) => frozen.get(key) });
  const store = registry.storeOf("", "ConfigMap");
  const freeze = async (name: string) => {
    const key = store.key("default", name);
    const kv = (await storage.get(key))!;
    frozen.set(key, { value: kv.value, modRevision: kv.modRevision });
  };
  return { store, freeze };
}

/** As a patch does: changes data and leaves the resourceVersion unpinned, so lost races are retried. */
const setData = (data: Record<string, string>) => (cur: KubeObject): KubeObject => {
  const { resourceVersion: _rv, ...metadata } = cur.metadata!;
  return { ...cur, metadata, data: { ...(cur.data as object), ...data } };
};

test("an update started from a stale cached copy is applied to the stored object", async (t) => {
  const { store, freeze } = await setup(t);
  await store.create("default", { metadata: { name: "cm" }, data: { a: "1" } }, opts);
  await freeze("cm");
  await store.update("default", "cm", setData({ b: "2" }), opts);
  const out = await store.update("default", "cm", setData({ c: "3" }), opts);
  assert.deepEqual(out.data, { a: "1", b: "2", c: "3" }, "the stale copy's missing b is not lost");
});

test("a resourceVersion newer than the cached copy is checked against the stored object", async (t) => {
  const { store, freeze } = await setup(t);
  await store.create("default", { metadata: { name: "cm" }, data: { a: "1" } }, opts);
  await freeze("cm");
  const current = await store.update("default", "cm", setData({ a: "2" }), opts);
  const rv = current.metadata!.resourceVersion!;
  const out = await store.update("default", "cm", (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: rv }, data: { a: "3" } }), opts);
  assert.deepEqual(out.data, { a: "3" });
  await assert.rejects(
    store.update("default", "cm", (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: rv }, data: { a: "4" } }), opts),
    (err: unknown) => err instanceof StatusError && err.reason === "Conflict",
    "a resourceVersion that is stale in storage still conflicts",
  );
});

test("a change that looks like a no-op against a stale copy is still written", async (t) => {
  const { store, freeze } = await setup(t);
  await store.create("default", { metadata: { name: "cm" }, data: { a: "1" } }, opts);
  await freeze("cm");
  await store.update("default", "cm", setData({ a: "2" }), opts);
  const out = await store.update("default", "cm", setData({ a: "1" }), opts);
  assert.deepEqual(out.data, { a: "1" }, "setting a back to 1 is a real change against storage");
});
