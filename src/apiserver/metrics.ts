// Prometheus metrics of the API server (/metrics), with upstream's metric names where they exist.
import { Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  private readonly registry = new Registry();
  private readonly requests: Histogram<"verb" | "resource">;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Histogram({
      name: "apiserver_request_duration_seconds",
      help: "Response latency distribution in seconds for each verb and resource.",
      labelNames: ["verb", "resource"],
      buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /** Each (verb, resource) series, resolved once: prom-client hashes the label set on every labelled observe. */
  private readonly series = new Map<string, Histogram.Internal<"verb" | "resource">>();

  observe(verb: string, resource: string, seconds: number): void {
    const key = `${verb} ${resource}`;
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = this.requests.labels(verb, resource)));
    series.observe(seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
