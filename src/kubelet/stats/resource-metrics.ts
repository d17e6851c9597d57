// /metrics/resource: the node's, pods' and containers' CPU time and working set in the Prometheus text format, each
// sample stamped with when it was measured (consumers such as metrics-server compute rates from those stamps).
// prom-client cannot stamp samples, so this small renderer writes the format itself.
import type { Summary } from "./summary-types.ts";

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge";
  samples: { labels: Record<string, string>; value: number; timeMs?: number }[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

export function renderFamilies(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
      lines.push(`${f.name}${labels ? `{${labels}}` : ""} ${s.value}${s.timeMs === undefined ? "" : ` ${Math.round(s.timeMs)}`}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

const ms = (rfc3339: string) => Date.parse(rfc3339);

/** The resource metrics of a summary; `summary` undefined when sampling failed (scrape_error 1). */
export function renderResourceMetrics(summary: Summary | undefined): string {
  const f = (name: string, type: Family["type"], help: string): Family => ({ name, type, help, samples: [] });
  const nodeCpu = f("node_cpu_usage_seconds_total", "counter", "CPU time the whole node has used, in core-seconds.");
  const nodeMem = f("node_memory_working_set_bytes", "gauge", "The node's memory working set (usage less inactive file cache), in bytes.");
  const podCpu = f("pod_cpu_usage_seconds_total", "counter", "CPU time a pod has used, in core-seconds.");
  const podMem = f("pod_memory_working_set_bytes", "gauge", "A pod's memory working set, in bytes.");
  const ctrCpu = f("container_cpu_usage_seconds_total", "counter", "CPU time a container has used, in core-seconds.");
  const ctrMem = f("container_memory_working_set_bytes", "gauge", "A container's memory working set, in bytes.");
  const ctrStart = f("container_start_time_seconds", "gauge", "When a container started, in seconds since the epoch.");
  const scrapeError = f("scrape_error", "gauge", "1 when the last collection of these metrics failed, else 0.");
  scrapeError.samples.push({ labels: {}, value: summary ? 0 : 1 });
  if (!summary) return renderFamilies([scrapeError]);

  const { node } = summary;
  if (node.cpu?.usageCoreNanoSeconds !== undefined) nodeCpu.samples.push({ labels: {}, value: node.cpu.usageCoreNanoSeconds / 1e9, timeMs: ms(node.cpu.time) });
  if (node.memory?.workingSetBytes !== undefined) nodeMem.samples.push({ labels: {}, value: node.memory.workingSetBytes, timeMs: ms(node.memory.time) });
  for (const pod of summary.pods) {
    const podLabels = { namespace: pod.podRef.namespace, pod: pod.podRef.name };
    if (pod.cpu?.usageCoreNanoSeconds !== undefined) podCpu.samples.push({ labels: podLabels, value: pod.cpu.usageCoreNanoSeconds / 1e9, timeMs: ms(pod.cpu.time) });
    if (pod.memory?.workingSetBytes !== undefined) podMem.samples.push({ labels: podLabels, value: pod.memory.workingSetBytes, timeMs: ms(pod.memory.time) });
    for (const c of pod.containers) {
      const labels = { container: c.name, namespace: pod.podRef.namespace, pod: pod.podRef.name };
      if (c.cpu?.usageCoreNanoSeconds !== undefined) ctrCpu.samples.push({ labels, value: c.cpu.usageCoreNanoSeconds / 1e9, timeMs: ms(c.cpu.time) });
      if (c.memory?.workingSetBytes !== undefined) ctrMem.samples.push({ labels, value: c.memory.workingSetBytes, timeMs: ms(c.memory.time) });
      ctrStart.samples.push({ labels, value: ms(c.startTime) / 1000 });
    }
  }
  return renderFamilies([ctrCpu, ctrMem, ctrStart, nodeCpu, nodeMem, podCpu, podMem, scrapeError]);
}
