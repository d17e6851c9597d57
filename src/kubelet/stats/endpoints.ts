// The node agent's stats and metrics paths, answered for the node server after it has authenticated the caller:
// /stats/summary (JSON), /metrics/resource and /metrics (Prometheus text).
import type { AgentMetrics } from "./agent-metrics.ts";
import type { StatsCollector } from "./collector.ts";
import { renderResourceMetrics } from "./resource-metrics.ts";
import type { Summary } from "./summary-types.ts";
import { logger } from "../../util/log.ts";

const log = logger("kubelet-stats");

export interface StatsResponse { contentType: string; body: string }

/** What the node server asks for a GET: a response for the stats paths, undefined for any other path. */
export interface StatsEndpoints {
  get(path: string, query: URLSearchParams): Promise<StatsResponse> | undefined;
}

const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

export function statsEndpoints(collector: StatsCollector, metrics: AgentMetrics): StatsEndpoints {
  return {
    get(path, query) {
      switch (path.replace(/\/+$/, "")) {
        case "/stats/summary":
          return collector.summary().then((s) => ({ contentType: "application/json", body: JSON.stringify(onlyCpuAndMemory(query) ? withoutFs(s) : s) }));
        case "/metrics/resource":
          return collector.summary().then(
            (s) => ({ contentType: PROMETHEUS_TEXT, body: renderResourceMetrics(s) }),
            (err: Error) => {
              log.warn({ err: err.message }, "resource metrics: sampling failed");
              return { contentType: PROMETHEUS_TEXT, body: renderResourceMetrics(undefined) };
            },
          );
        case "/metrics":
          return metrics.render().then((body) => ({ contentType: metrics.contentType, body }));
        default:
          return undefined;
      }
    },
  };
}

const onlyCpuAndMemory = (q: URLSearchParams) => q.get("only_cpu_and_memory") === "true";

function withoutFs(s: Summary): Summary {
  const { fs: _fs, runtime: _runtime, ...node } = s.node;
  return { node, pods: s.pods };
}
