import { test } from "node:test";
import assert from "node:assert/strict";
import { Metrics } from "./metrics.ts";

test("request durations are counted per verb and resource, into upstream's histogram", async () => {
  const m = new Metrics();
  m.observe("create", "configmaps", 0.004);
  m.observe("create", "configmaps", 0.02);
  m.observe("get", "pods", 0.0001);
  const text = await m.render();
  const line = (name: string, labels: string) => new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, "m").exec(text)?.[1];
  assert.equal(line("apiserver_request_duration_seconds_count", 'verb="create",resource="configmaps"'), "2");
  assert.equal(line("apiserver_request_duration_seconds_bucket", 'le="0.005",verb="create",resource="configmaps"'), "1");
  assert.equal(line("apiserver_request_duration_seconds_bucket", 'le="0.025",verb="create",resource="configmaps"'), "2");
  assert.equal(Number(line("apiserver_request_duration_seconds_sum", 'verb="create",resource="configmaps"')), 0.024);
  assert.equal(line("apiserver_request_duration_seconds_count", 'verb="get",resource="pods"'), "1");
  assert.equal(line("apiserver_request_duration_seconds_bucket", 'le="0.0005",verb="get",resource="pods"'), "1");
});
