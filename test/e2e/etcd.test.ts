// End-to-end: `berth server --datastore-endpoint http://...` keeps the cluster in a real etcd, driven by kubectl.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BERTH, TestCluster, KUBECTL, until } from "./harness.ts";
import { TestEtcd } from "../support/etcd.ts";
import { EtcdStorage } from "../../src/storage/etcd/etcd-storage.ts";

let etcd: TestEtcd;
let c: TestCluster;
before(async () => {
  etcd = await TestEtcd.start();
  c = await TestCluster.start(["--datastore-endpoint", etcd.endpoint]);
});
after(async () => {
  await c?.destroy();
  await etcd?.stop();
});

test("kubectl create and get a ConfigMap stored in etcd; watches see changes; a restart keeps it", async () => {
  await c.ok(["create", "configmap", "cm1", "--from-literal=a=1"]);
  const cm = JSON.parse(await c.ok(["get", "configmap", "cm1", "-o", "json"]));
  assert.deepEqual(cm.data, { a: "1" });

  // The object is in etcd under its registry key, and nothing went to a SQLite file in the data dir.
  const direct = await EtcdStorage.open({ endpoints: [etcd.endpoint], compactIntervalMs: 0 });
  try {
    const kv = await direct.get("/registry/core/configmaps/default/cm1");
    assert.ok(kv, "the ConfigMap is stored in etcd");
    assert.equal(String(kv.modRevision), cm.metadata.resourceVersion);
  } finally {
    await direct.close();
  }
  assert.ok(!(await readdir(c.dataDir)).some((f) => /\.db|sqlite/.test(f)), "no SQLite file");

  // kubectl get -w sees a change made after it started.
  const watch = spawn(KUBECTL, ["--kubeconfig", c.kubeconfig, "get", "configmap", "cm1", "-w", "-o", "jsonpath={.data.a}{\"\\n\"}"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  watch.stdout.on("data", (d) => { out += d; });
  try {
    await until(async () => out.includes("1\n"), 10_000, "the watch's first line");
    await c.ok(["patch", "configmap", "cm1", "--type=merge", "-p", '{"data":{"a":"2"}}']);
    await until(async () => out.includes("2\n"), 10_000, "the watch to see the patch");
  } finally {
    watch.kill();
  }

  // The state lives in etcd: a restarted server serves it.
  await c.stop();
  await c.launch(["--datastore-endpoint", etcd.endpoint]);
  const again = JSON.parse(await c.ok(["get", "configmap", "cm1", "-o", "json"]));
  assert.deepEqual(again.data, { a: "2" });
});

test("a server whose etcd is unreachable refuses to start with a clear message", async () => {
  const dir = await mkdtemp(join(tmpdir(), "berth-e2e-"));
  try {
    const proc = spawn(BERTH, ["server", "--data-dir", dir, "--https-port", "0", "--disable-agent", "--bind-address", "127.0.0.1", "--datastore-endpoint", "http://127.0.0.1:1"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let logs = "";
    proc.stdout.on("data", (d) => { logs += d; });
    proc.stderr.on("data", (d) => { logs += d; });
    const code = await new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
    assert.notEqual(code, 0);
    assert.match(logs, /--datastore-endpoint http:\/\/127\.0\.0\.1:1: cannot reach etcd/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("while etcd is away /readyz fails on the datastore and writes fail fast with a Status; both recover without a restart", async () => {
  assert.equal((await c.kubectl(["get", "--raw", "/readyz"])).code, 0);
  await etcd.kill();
  try {
    const started = Date.now();
    const write = await c.kubectl(["create", "configmap", "while-down", "--request-timeout=20s"]);
    assert.notEqual(write.code, 0);
    assert.ok(Date.now() - started < 10_000, "the write failed fast");
    assert.match(write.stderr, /unavailable|timed out|Timeout/i);
    await until(async () => /\[-\]etcd failed/.test((await c.kubectl(["get", "--raw", "/readyz?verbose"])).stdout + (await c.kubectl(["get", "--raw", "/readyz"])).stderr), 15_000, "readyz reporting etcd");
  } finally {
    await etcd.resume();
  }
  await until(async () => (await c.kubectl(["get", "--raw", "/readyz"])).code === 0, 30_000, "readyz ok again");
  await c.ok(["create", "configmap", "after-recovery"]);
});
