import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAgentFlags, UsageError } from "./config.ts";

test("berth agent needs a server URL and a token (flag or $BERTH_TOKEN); node flags as berth server's", () => {
  const cfg = parseAgentFlags(["--server", "https://10.0.0.1:6443/", "--node-name", "w1", "--kubelet-port", "0"], { BERTH_TOKEN: "t" });
  assert.ok(cfg !== "help");
  assert.equal(cfg.server, "https://10.0.0.1:6443");
  assert.equal(cfg.token, "t");
  assert.equal(cfg.nodeName, "w1");
  assert.equal(cfg.kubeletPort, 0);
  assert.equal(cfg.containerRuntimeEndpoint, undefined);
  assert.throws(() => parseAgentFlags(["--token", "t"], {}), (e: Error) => e instanceof UsageError && /--server is required/.test(e.message));
  assert.throws(() => parseAgentFlags(["--server", "https://a:1"], {}), /--token is required/);
  assert.throws(() => parseAgentFlags(["--server", "http://a:1", "--token", "t"], {}), /expected https/);
  assert.throws(() => parseAgentFlags(["--server", "https://a:1", "--token", "t", "--kubelet-port", "70000"], {}), /invalid port/);
  assert.equal(parseAgentFlags(["--help"], {}), "help");
});
