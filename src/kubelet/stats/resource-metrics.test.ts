import { test } from "node:test";
import assert from "node:assert/strict";
import { renderResourceMetrics } from "./resource-metrics.ts";
import type { Summary } from "./summary-types.ts";

const T = "2026-01-02T03:04:05.678Z";
const ms = Date.parse(T);

test("renders node, pod and container series with sample timestamps and escaped labels", () => {
  const summary: Summary = {
    node: { nodeName: "n1", startTime: T, cpu: { time: T, usageCoreNanoSeconds: 12.5e9, usageNanoCores: 1 }, memory: { time: T, workingSetBytes: 1024 } },
    pods: [{
      podRef: { name: "web", namespace: "default", uid: "u1" },
      startTime: T,
      cpu: { time: T, usageCoreNanoSeconds: 2e9 },
      memory: { time: T, workingSetBytes: 300 },
      containers: [
        { name: 'we"ird', startTime: "2026-01-02T03:00:00.000Z", cpu: { time: T, usageCoreNanoSeconds: 1.5e9 }, memory: { time: T, workingSetBytes: 200 } },
        { name: "idle", startTime: T },
      ],
    }],
  };
  const lines = renderResourceMetrics(summary).split("\n");
  const has = (line: string) => assert.ok(lines.includes(line), `missing: ${line}\n${lines.join("\n")}`);
  has("# TYPE node_cpu_usage_seconds_total counter");
  has(`node_cpu_usage_seconds_total 12.5 ${ms}`);
  has("# TYPE node_memory_working_set_bytes gauge");
  has(`node_memory_working_set_bytes 1024 ${ms}`);
  has(`pod_cpu_usage_seconds_total{namespace="default",pod="web"} 2 ${ms}`);
  has(`pod_memory_working_set_bytes{namespace="default",pod="web"} 300 ${ms}`);
  has(`container_cpu_usage_seconds_total{container="we\\"ird",namespace="default",pod="web"} 1.5 ${ms}`);
  has(`container_memory_working_set_bytes{container="we\\"ird",namespace="default",pod="web"} 200 ${ms}`);
  has(`container_start_time_seconds{container="idle",namespace="default",pod="web"} ${ms / 1000}`);
  has("scrape_error 0");
  assert.ok(!lines.some((l) => l.startsWith("container_cpu_usage_seconds_total{container=\"idle\"")), "no figures, no series");
  assert.equal(lines.at(-1), "", "ends with a newline");
});

test("a failed collection is scrape_error 1 and nothing else", () => {
  assert.equal(renderResourceMetrics(undefined), "# HELP scrape_error 1 when the last collection of these metrics failed, else 0.\n# TYPE scrape_error gauge\nscrape_error 1\n");
});
