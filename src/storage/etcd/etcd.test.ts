import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { storageContract, watchInto } from "../contract.ts";
import { StorageError } from "../interface.ts";
import { EtcdStorage } from "./etcd-storage.ts";
import { prefixEnd } from "./keys.ts";
import { freePort } from "../../../test/support/free-port.ts";
import { TestEtcd } from "../../../test/support/etcd.ts";

// One etcd for the whole file; each store gets its own key prefix, so every test sees an empty store.
let etcd: TestEtcd;
before(async () => {
  etcd = await TestEtcd.start();
});
after(async () => {
  await etcd?.stop();
});

let stores = 0;
const openStore = (extra: { keyPrefix?: string; endpoints?: string[] } = {}) =>
  EtcdStorage.open({ endpoints: [etcd.endpoint], keyPrefix: `/t${++stores}`, compactIntervalMs: 0, ...extra });

storageContract("etcd", async () => {
  const storage = await openStore();
  return { storage, cleanup: () => storage.close() };
});

test("prefixEnd bounds exactly the keys with the prefix", () => {
  assert.deepEqual(prefixEnd(Buffer.from("/a/")), Buffer.from("/a0"));
  assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff, 0xff])), Buffer.from("b"));
  assert.deepEqual(prefixEnd(Buffer.alloc(0)), Buffer.from([0]));
});

test("keys keep their own bytes under the prefix; a store without prefix sees them all", async () => {
  const a = await openStore({ keyPrefix: "/iso-a" });
  const b = await openStore({ keyPrefix: "/iso-b" });
  const plain = await openStore({ keyPrefix: "" });
  try {
    await a.create("/registry/x", "é");
    assert.equal(await b.get("/registry/x"), undefined);
    assert.equal((await plain.get("/iso-a/registry/x"))?.value, "é");
    assert.deepEqual((await plain.list({ prefix: "/iso-" })).kvs.map((kv) => kv.key), ["/iso-a/registry/x"]);
  } finally {
    await Promise.all([a.close(), b.close(), plain.close()]);
  }
});

test("a second endpoint is used when the first is unreachable", async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const s = await openStore({ endpoints: [dead, etcd.endpoint] });
  try {
    const kv = await s.create("/k", "v");
    assert.deepEqual(await s.get("/k"), kv);
  } finally {
    await s.close();
  }
});

test("an unreachable etcd fails fast with Unavailable, never hangs", async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const started = Date.now();
  await assert.rejects(EtcdStorage.open({ endpoints: [dead], timeoutMs: 2000, compactIntervalMs: 0 }), (err: unknown) =>
    err instanceof StorageError && (err.code === "Unavailable" || err.code === "Timeout"));
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});

test("closing the store ends its watches with Unavailable and refuses calls", async () => {
  const s = await openStore();
  const w = await watchInto(s, "/", await s.currentRevision());
  await s.close();
  assert.equal(w.error()?.code, "Unavailable");
  await assert.rejects(s.get("/k"), (err: unknown) => err instanceof StorageError && err.code === "Unavailable");
});

test("while etcd is down requests fail fast; afterwards writes resume and a watch picks up where it stopped", async () => {
  const own = await TestEtcd.start();
  const s = await EtcdStorage.open({ endpoints: [own.endpoint], compactIntervalMs: 0, timeoutMs: 1000 });
  try {
    const w = await watchInto(s, "/", await s.currentRevision());
    const a = await s.create("/a", "1");
    await w.until(1);
    assert.equal(s.healthy, true);
    await own.kill();
    const started = Date.now();
    await assert.rejects(s.get("/a"), (err: unknown) => err instanceof StorageError && (err.code === "Unavailable" || err.code === "Timeout"));
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    assert.equal(s.healthy, false, "an unreachable etcd is reported unhealthy");
    await own.resume();
    let b;
    for (const end = Date.now() + 5000; !b; ) {
      try {
        b = await s.create("/b", "2");
      } catch (err) {
        if (Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await w.until(2, 5000);
    assert.equal(s.healthy, true, "healthy again once etcd answers and the watch is back");
    assert.deepEqual(w.events, [{ type: "put", kv: a }, { type: "put", kv: b }]);
    assert.equal(w.error(), undefined);
    w.stop();
  } finally {
    await s.close();
    await own.stop();
  }
});
