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
