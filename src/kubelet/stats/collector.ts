// Samples the node's, its pods' and their containers' resource usage into a Summary: the machine from the root
// cgroups and /proc/meminfo, pods from their pod cgroups (or their containers' sum where no cgroup is found),
// containers from the runtime's ListContainerStats. CPU rates come from the previous sample of the same object, so
// a background loop keeps samples coming even when nobody asks.
import { readFile } from "node:fs/promises";
import type { Container as CriContainer, ContainerStats as CriContainerStats, CriRuntime, PodSandbox } from "../cri/types.ts";
import { filesystemStats } from "../node/machine.ts";
import type { FilesystemStats } from "../node/machine.ts";
import { parseMeminfo } from "../node/proc-files.ts";
import { logger } from "../../util/log.ts";
import { CgroupReader } from "./cgroup-reader.ts";
import type { CgroupMemory } from "./cgroup-reader.ts";
import { parseBootTime } from "./cgroup-files.ts";
import { CpuRateTracker } from "./cpu-rate.ts";
import type { ContainerSummary, CpuStats, FsStats, MemoryStats, NodeSummary, PodSummary, Summary } from "./summary-types.ts";

const log = logger("kubelet-stats");

export interface StatsCollectorOptions {
  cri: CriRuntime;
  nodeName: string;
  /** A directory on the filesystem the agent keeps pods' data on: the node's `fs`. */
  dataDir: string;
  /** Default: the hierarchies mounted on this machine. */
  cgroups?: CgroupReader;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

const DEFAULT_INTERVAL_MS = 10_000;

/** Where the pod manager puts a pod's cgroup, by QoS class (see pods/sandbox-config.ts). */
const podCgroupCandidates = (uid: string) => [`/kubepods/pod${uid}`, `/kubepods/burstable/pod${uid}`, `/kubepods/besteffort/pod${uid}`];

const rfc3339 = (ms: number) => new Date(ms).toISOString();

export class StatsCollector {
  private readonly opts: StatsCollectorOptions;
  private readonly now: () => number;
  private readonly rates = new CpuRateTracker();
  private cgroups: Promise<CgroupReader> | undefined;
  private inFlight: Promise<Summary> | undefined;

  constructor(opts: StatsCollectorOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    if (opts.cgroups) this.cgroups = Promise.resolve(opts.cgroups);
  }

  /** A fresh sample; callers arriving while one is being taken share it. */
  summary(): Promise<Summary> {
    this.inFlight ??= this.sample().finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }

  /** Samples every `intervalMs` until the signal, so rates are ready when asked for. */
  run(signal: AbortSignal, intervalMs = DEFAULT_INTERVAL_MS): void {
    const tick = () => void this.summary().catch((err) => log.warn({ err: (err as Error).message }, "sampling resource usage failed"));
    tick();
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  }

  private async sample(): Promise<Summary> {
    this.cgroups ??= CgroupReader.locate();
    const cgroups = await this.cgroups;
    const [sandboxes, containers, stats, node] = await Promise.all([
      this.opts.cri.listPodSandbox({ state: { state: "SANDBOX_READY" } }),
      this.opts.cri.listContainers({ state: { state: "CONTAINER_RUNNING" } }),
      this.opts.cri.listContainerStats(),
      this.node(cgroups),
    ]);
    const seen = new Set<string>(["node"]);
    const statsById = new Map(stats.map((s) => [s.attributes.id, s]));
    const pods = await Promise.all(sandboxes.map((sandbox) => {
      const own = containers.filter((c) => c.podSandboxId === sandbox.id);
      return this.pod(cgroups, sandbox, own, statsById, seen);
    }));
    this.rates.retain(seen);
    return { node, pods };
  }

  private async node(cgroups: CgroupReader): Promise<NodeSummary> {
    const [cpuNs, memory, meminfo, procStat, fs, imageFs] = await Promise.all([
      cgroups.cpuUsageNs("/"),
      cgroups.memory("/"),
      readFile("/proc/meminfo", "utf8"),
      readFile("/proc/stat", "utf8"),
      filesystemStats(this.opts.dataDir).catch(() => undefined),
      this.imageFs(),
    ]);
    const time = this.now();
    const node: NodeSummary = { nodeName: this.opts.nodeName, startTime: rfc3339(parseBootTime(procStat) * 1000) };
    if (cpuNs !== undefined) node.cpu = this.cpu("node", time * 1e6, cpuNs);
    if (memory) {
      // The machine's limit is its RAM.
      node.memory = memoryStats(time, { ...memory, limitBytes: parseMeminfo(meminfo).totalKi * 1024 });
    }
    if (fs) node.fs = fsStats(time, fs);
    if (imageFs) node.runtime = { imageFs };
    return node;
  }

  /** The runtime's image filesystem: its usage as the runtime counts it, its size from the filesystem. */
  private async imageFs(): Promise<FsStats | undefined> {
    try {
      const [info] = await this.opts.cri.imageFsInfo();
      if (!info) return undefined;
      const fs = await filesystemStats(info.mountpoint);
      return { ...fsStats(this.now(), fs), usedBytes: info.usedBytes, inodesUsed: info.inodesUsed };
    } catch {
      return undefined;
    }
  }

  private async pod(cgroups: CgroupReader, sandbox: PodSandbox, containers: CriContainer[], stats: Map<string, CriContainerStats>, seen: Set<string>): Promise<PodSummary> {
    const m = sandbox.metadata;
    const summary: PodSummary = {
      podRef: { name: m.name, namespace: m.namespace, uid: m.uid },
      startTime: rfc3339(sandbox.createdAt / 1e6),
      containers: containers.map((c) => this.container(c, stats.get(c.id), seen)),
    };
    const key = `pod/${m.uid}`;
    seen.add(key);
    const cgroup = await this.podCgroup(cgroups, m.uid);
    const time = this.now();
    if (cgroup) {
      const [cpuNs, memory] = await Promise.all([cgroups.cpuUsageNs(cgroup), cgroups.memory(cgroup)]);
      if (cpuNs !== undefined) summary.cpu = this.cpu(key, time * 1e6, cpuNs);
      if (memory) summary.memory = memoryStats(time, memory);
    } else {
      Object.assign(summary, this.sumOfContainers(key, time, summary.containers));
    }
    return summary;
  }

  private async podCgroup(cgroups: CgroupReader, uid: string): Promise<string | undefined> {
    for (const path of podCgroupCandidates(uid)) if (await cgroups.memory(path)) return path;
    return undefined;
  }

  /** Pod figures where the pod's cgroup is not found: its running containers' totals. */
  private sumOfContainers(key: string, time: number, containers: ContainerSummary[]): Pick<PodSummary, "cpu" | "memory"> {
    const sum = (pick: (c: ContainerSummary) => number | undefined) => containers.reduce((n, c) => n + (pick(c) ?? 0), 0);
    if (!containers.length) return {};
    return {
      cpu: this.cpu(key, time * 1e6, sum((c) => c.cpu?.usageCoreNanoSeconds)),
      memory: { time: rfc3339(time), workingSetBytes: sum((c) => c.memory?.workingSetBytes), usageBytes: sum((c) => c.memory?.usageBytes), rssBytes: sum((c) => c.memory?.rssBytes) },
    };
  }

  private container(c: CriContainer, stats: CriContainerStats | undefined, seen: Set<string>): ContainerSummary {
    const summary: ContainerSummary = { name: c.metadata.name, startTime: rfc3339(c.createdAt / 1e6) };
    const key = `container/${c.id}`;
    seen.add(key);
    const cpu = stats?.cpu;
    if (cpu?.usageCoreNanoSeconds) summary.cpu = this.cpu(key, cpu.timestamp, cpu.usageCoreNanoSeconds.value);
    const mem = stats?.memory;
    if (mem?.workingSetBytes) {
      summary.memory = { time: rfc3339(mem.timestamp / 1e6), workingSetBytes: mem.workingSetBytes.value };
      if (mem.usageBytes) summary.memory.usageBytes = mem.usageBytes.value;
      if (mem.rssBytes) summary.memory.rssBytes = mem.rssBytes.value;
      // The runtime reports an unlimited container's available memory as 0: left out rather than read as exhausted.
      if (mem.availableBytes?.value) summary.memory.availableBytes = mem.availableBytes.value;
    }
    return summary;
  }

  private cpu(key: string, timeNs: number, usageCoreNanoSeconds: number): CpuStats {
    const stats: CpuStats = { time: rfc3339(timeNs / 1e6), usageCoreNanoSeconds };
    const nanoCores = this.rates.observe(key, { timeNs, usageCoreNanoSeconds });
    if (nanoCores !== undefined) stats.usageNanoCores = nanoCores;
    return stats;
  }
}

function memoryStats(timeMs: number, m: CgroupMemory): MemoryStats {
  const stats: MemoryStats = {
    time: rfc3339(timeMs),
    usageBytes: m.usageBytes,
    workingSetBytes: m.workingSetBytes,
    rssBytes: m.rssBytes,
    pageFaults: m.pageFaults,
    majorPageFaults: m.majorPageFaults,
  };
  if (m.limitBytes !== undefined) stats.availableBytes = Math.max(0, m.limitBytes - m.workingSetBytes);
  return stats;
}

function fsStats(timeMs: number, fs: FilesystemStats): FsStats {
  return {
    time: rfc3339(timeMs),
    availableBytes: fs.availableBytes,
    capacityBytes: fs.capacityBytes,
    usedBytes: fs.capacityBytes - fs.availableBytes,
    inodesFree: fs.inodesFree,
    inodes: fs.inodes,
    inodesUsed: fs.inodes - fs.inodesFree,
  };
}
