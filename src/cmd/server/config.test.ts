import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { parseServerFlags, SERVER_FLAGS, UsageError } from "./config.ts";

test("defaults and durations", () => {
  const cfg = parseServerFlags(["--data-dir", "/tmp/x"]);
  assert.ok(cfg !== "help");
  assert.equal(cfg.nodeMonitorGracePeriodMs, 40_000);
  assert.equal(cfg.disableScheduler, false);
  const short = parseServerFlags(["--node-monitor-grace-period", "1m30s", "--disable-scheduler"]);
  assert.ok(short !== "help");
  assert.equal(short.nodeMonitorGracePeriodMs, 90_000);
  assert.equal(short.disableScheduler, true);
  assert.throws(() => parseServerFlags(["--node-monitor-grace-period", "40"]), UsageError);
  assert.throws(() => parseServerFlags(["--node-monitor-grace-period", "4x0s"]), UsageError);
});

test("--scheduler-config names a KubeSchedulerConfiguration file, resolved against the working directory", () => {
  const cfg = parseServerFlags([]);
  assert.ok(cfg !== "help");
  assert.equal(cfg.schedulerConfig, undefined);
  const abs = parseServerFlags(["--scheduler-config", "/etc/berth/scheduler.yaml"]);
  assert.ok(abs !== "help");
  assert.equal(abs.schedulerConfig, "/etc/berth/scheduler.yaml");
  const rel = parseServerFlags(["--scheduler-config=sched.yaml"]);
  assert.ok(rel !== "help");
  assert.equal(rel.schedulerConfig, resolve("sched.yaml"));
  assert.throws(() => parseServerFlags(["--scheduler-config"]), UsageError);
  assert.match(SERVER_FLAGS, /--scheduler-config FILE/);
});

test("--datastore-cafile/certfile/keyfile: TLS files for https:// etcd endpoints", () => {
  const none = parseServerFlags(["--datastore-endpoint", "http://127.0.0.1:2379"]);
  assert.ok(none !== "help");
  assert.deepEqual(none.datastoreTls, { caFile: undefined, certFile: undefined, keyFile: undefined });
  const all = parseServerFlags([
    "--datastore-endpoint", "https://10.0.0.1:2379,https://10.0.0.2:2379",
    "--datastore-cafile", "/etc/etcd/ca.pem", "--datastore-certfile=client.pem", "--datastore-keyfile", "client-key.pem",
  ]);
  assert.ok(all !== "help");
  assert.deepEqual(all.datastoreTls, { caFile: "/etc/etcd/ca.pem", certFile: resolve("client.pem"), keyFile: resolve("client-key.pem") });
  const caOnly = parseServerFlags(["--datastore-endpoint", "https://e:2379", "--datastore-cafile", "ca.pem"]);
  assert.ok(caOnly !== "help");
  assert.equal(caOnly.datastoreTls.caFile, resolve("ca.pem"));
  // A certificate without its key (or the reverse) is refused, as is TLS material for a non-https datastore.
  assert.throws(() => parseServerFlags(["--datastore-endpoint", "https://e:2379", "--datastore-certfile", "c.pem"]), UsageError);
  assert.throws(() => parseServerFlags(["--datastore-endpoint", "https://e:2379", "--datastore-keyfile", "k.pem"]), UsageError);
  assert.throws(() => parseServerFlags(["--datastore-cafile", "ca.pem"]), /need https:\/\//);
  assert.throws(() => parseServerFlags(["--datastore-endpoint", "https://a:1,http://b:2", "--datastore-cafile", "ca.pem"]), UsageError);
  assert.match(SERVER_FLAGS, /--datastore-cafile FILE/);
});
