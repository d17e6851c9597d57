import { test } from "node:test";
import assert from "node:assert/strict";
import { homedir } from "node:os";
import { parseSimFlags, UsageError } from "./config.ts";

test("defaults: sim- nodes of 32 CPUs, 256Gi and 110 pods, the kubelet's heartbeat periods, KUBECONFIG's first file", () => {
  const cfg = parseSimFlags(["--nodes", "3"], { KUBECONFIG: "/a/one.yaml:/b/two.yaml" });
  assert.notEqual(cfg, "help");
  if (cfg === "help") return;
  assert.equal(cfg.kubeconfig, "/a/one.yaml");
  assert.equal(cfg.options.nodeCount, 3);
  assert.equal(cfg.options.namePrefix, "sim-");
  assert.deepEqual(cfg.options.resources, { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "100Gi" });
  assert.deepEqual([cfg.options.leaseDurationSeconds, cfg.options.leaseRenewIntervalMs, cfg.options.statusReportIntervalMs], [40, 10_000, 300_000]);
  const fallback = parseSimFlags(["--nodes", "1"], {});
  assert.equal(fallback !== "help" && fallback.kubeconfig, `${homedir()}/.kube/config`);
});

test("flags: quantities in canonical form, extra labels, an explicit kubeconfig", () => {
  const cfg = parseSimFlags(["--nodes", "5", "--cpu", "1500m", "--memory", "0.5Gi", "--pods", "30", "--labels", "zone=a,tier=", "--name-prefix", "edge-", "--kubeconfig", "/k.yaml"], {});
  if (cfg === "help") throw new Error("help");
  assert.deepEqual(cfg.options.resources, { cpu: "1500m", memory: "512Mi", pods: "30", "ephemeral-storage": "100Gi" });
  assert.deepEqual(cfg.options.extraLabels, { zone: "a", tier: "" });
  assert.equal(cfg.options.namePrefix, "edge-");
  assert.equal(cfg.kubeconfig, "/k.yaml");
  assert.equal(parseSimFlags(["-h"], {}), "help");
});

test("bad flags are usage errors", () => {
  for (const argv of [[], ["--nodes", "0"], ["--nodes", "2.5"], ["--nodes", "16385"], ["--nodes", "1", "--cpu", "lots"], ["--nodes", "1", "--memory", "-1Gi"],
    ["--nodes", "1", "--labels", "novalue"], ["--nodes", "1", "--name-prefix", "UPPER"], ["--nodes", "1", "--bogus"]]) {
    assert.throws(() => parseSimFlags(argv, {}), UsageError, argv.join(" "));
  }
});
