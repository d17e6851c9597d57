// Parsers for the cgroup v1 and /proc files resource usage is read from. Pure functions over the files' text, so
// they are tested on samples.

/** Where the cpuacct and memory v1 hierarchies are mounted, from /proc/mounts (cpuacct may share "cpu,cpuacct"). */
export function parseCgroupMounts(text: string): { cpuacct?: string; memory?: string } {
  const found: { cpuacct?: string; memory?: string } = {};
  for (const line of text.split("\n")) {
    const [, mountPoint, fsType, options] = line.split(" ");
    if (fsType !== "cgroup" || !mountPoint || !options) continue;
    const controllers = options.split(",");
    if (controllers.includes("cpuacct")) found.cpuacct ??= unescapeMountPath(mountPoint);
    if (controllers.includes("memory")) found.memory ??= unescapeMountPath(mountPoint);
  }
  return found;
}

/** /proc/mounts writes space, tab, newline and backslash in paths as octal escapes. */
const unescapeMountPath = (p: string) => p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/** memory.stat: "name value" lines as a map. */
export function parseMemoryStat(text: string): Map<string, number> {
  const stat = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [name, value] = line.trim().split(/\s+/);
    if (name && value !== undefined && /^\d+$/.test(value)) stat.set(name, Number(value));
  }
  return stat;
}

export interface MemoryFigures {
  usageBytes: number;
  /** Usage less the inactive file cache the kernel can drop at once: what eviction and `kubectl top` look at. */
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
}

/** A v1 memory cgroup's figures from memory.usage_in_bytes and memory.stat (hierarchical "total_" counters). */
export function memoryFigures(usageInBytes: number, stat: Map<string, number>): MemoryFigures {
  const inactiveFile = stat.get("total_inactive_file") ?? 0;
  return {
    usageBytes: usageInBytes,
    workingSetBytes: Math.max(0, usageInBytes - inactiveFile),
    rssBytes: stat.get("total_rss") ?? 0,
    pageFaults: stat.get("total_pgfault") ?? 0,
    majorPageFaults: stat.get("total_pgmajfault") ?? 0,
  };
}

/** A single-number cgroup file (cpuacct.usage, memory.usage_in_bytes, memory.limit_in_bytes). */
export function parseCounter(text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw new Error(`expected a number, got ${JSON.stringify(t.slice(0, 40))}`);
  return Number(t);
}

/** /proc/stat's btime: when the machine booted, in seconds since the epoch. */
export function parseBootTime(text: string): number {
  const m = /^btime\s+(\d+)$/m.exec(text);
  if (!m) throw new Error("/proc/stat has no btime");
  return Number(m[1]);
}
