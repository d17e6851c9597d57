import { test } from "node:test";
import assert from "node:assert/strict";
import { parseServerFlags, UsageError } from "./config.ts";

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
