// Reads CPU time and memory figures of v1 cgroups by their path within the hierarchies (e.g. "/" for the whole
// machine, "/kubepods/besteffort/pod<uid>" for a pod). A cgroup that does not exist reads as undefined.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { memoryFigures, parseCgroupMounts, parseCounter, parseMemoryStat } from "./cgroup-files.ts";
import type { MemoryFigures } from "./cgroup-files.ts";

/** v1 reports "no limit" as the largest page-aligned signed 64-bit count; anything this large is no limit. */
const UNLIMITED = 2 ** 62;

export interface CgroupMemory extends MemoryFigures {
  /** memory.limit_in_bytes, absent when unlimited. */
  limitBytes?: number;
}

export class CgroupReader {
  private readonly roots: { cpuacct?: string; memory?: string };

  constructor(roots: { cpuacct?: string; memory?: string }) {
    this.roots = roots;
  }

  /** A reader over the hierarchies mounted on this machine. */
  static async locate(mountsFile = "/proc/mounts"): Promise<CgroupReader> {
    return new CgroupReader(parseCgroupMounts(await readFile(mountsFile, "utf8")));
  }

  /** cpuacct.usage: the cgroup's and its descendants' CPU time in nanoseconds. */
  async cpuUsageNs(cgroup: string): Promise<number | undefined> {
    if (!this.roots.cpuacct) return undefined;
    const text = await readIfExists(join(this.roots.cpuacct, cgroup, "cpuacct.usage"));
    return text === undefined ? undefined : parseCounter(text);
  }

  async memory(cgroup: string): Promise<CgroupMemory | undefined> {
    if (!this.roots.memory) return undefined;
    const dir = join(this.roots.memory, cgroup);
    const [usage, stat, limit] = await Promise.all(["memory.usage_in_bytes", "memory.stat", "memory.limit_in_bytes"].map((f) => readIfExists(join(dir, f))));
    if (usage === undefined || stat === undefined) return undefined;
    const figures: CgroupMemory = memoryFigures(parseCounter(usage), parseMemoryStat(stat));
    const limitBytes = limit === undefined ? undefined : parseCounter(limit);
    if (limitBytes !== undefined && limitBytes < UNLIMITED) figures.limitBytes = limitBytes;
    return figures;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
