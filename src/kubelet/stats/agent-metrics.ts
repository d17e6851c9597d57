// /metrics of the node agent: its own process (prom-client's default collectors) and what it runs, counted from
// the runtime at scrape time. A registry of its own, so several agents in one process (tests, `berth server`
// with its API server) do not mix their series.
import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { ContainerState, CriRuntime } from "../cri/types.ts";

const CONTAINER_STATES: Record<ContainerState, string> = {
  CONTAINER_CREATED: "created",
  CONTAINER_RUNNING: "running",
  CONTAINER_EXITED: "exited",
  CONTAINER_UNKNOWN: "unknown",
};

export class AgentMetrics {
  private readonly registry = new Registry();

  constructor(opts: { cri: CriRuntime; nodeName: string }) {
    const { cri } = opts;
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "kubelet_node_name",
      help: "The node's name; the value is always 1.",
      labelNames: ["node"],
      registers: [this.registry],
    }).set({ node: opts.nodeName }, 1);
    new Gauge({
      name: "kubelet_running_pods",
      help: "Pods with a running sandbox on this node.",
      registers: [this.registry],
      async collect() {
        this.set((await cri.listPodSandbox({ state: { state: "SANDBOX_READY" } })).length);
      },
    });
    new Gauge({
      name: "kubelet_running_containers",
      help: "Containers on this node by state.",
      labelNames: ["container_state"],
      registers: [this.registry],
      async collect() {
        const counts = new Map(Object.values(CONTAINER_STATES).map((s) => [s, 0]));
        for (const c of await cri.listContainers()) counts.set(CONTAINER_STATES[c.state], (counts.get(CONTAINER_STATES[c.state]) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ container_state: state }, n);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
