// What the node reports about the machine it runs on, read fresh at each status sync (a handful of small files and
// one statfs: cheap). Identity comes from the files upstream's kubelet reads: /etc/machine-id, the DMI product
// UUID, the kernel's boot id.
import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import { parseLoadavgTasks, parseMeminfo, parseOsReleasePrettyName } from "./proc-files.ts";

export interface FilesystemStats {
  capacityBytes: number;
  availableBytes: number;
  /** 0 when the filesystem does not count inodes. */
  inodes: number;
  inodesFree: number;
}

export interface Machine {
  cpus: number;
  memoryTotalKi: number;
  memoryAvailableKi: number;
  /** The filesystem holding the agent's data dir: upstream's "nodefs". */
  nodefs: FilesystemStats;
  /** Processes and threads now, and the kernel's limit on them. */
  tasks: number;
  pidMax: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  /** GOARCH naming, as nodes report it: amd64, arm64, ... */
  architecture: string;
}

const read = async (path: string): Promise<string | undefined> => {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    return undefined;
  }
};

const GOARCH: Record<string, string> = { x64: "amd64", ia32: "386", arm: "arm", arm64: "arm64", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

/** A 32-hex machine id shown as a UUID, for machines without a DMI product UUID (containers, some VMs). */
const asUuid = (hex: string) => hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : hex;

export async function filesystemStats(path: string): Promise<FilesystemStats> {
  const s = await statfs(path);
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize, inodes: s.files, inodesFree: s.ffree };
}

export async function readMachine(dataDir: string): Promise<Machine> {
  const [meminfo, loadavg, pidMax, machineID, productUuid, bootID, osRelease, nodefs] = await Promise.all([
    readFile("/proc/meminfo", "utf8"),
    readFile("/proc/loadavg", "utf8"),
    read("/proc/sys/kernel/pid_max"),
    read("/etc/machine-id"),
    read("/sys/class/dmi/id/product_uuid"),
    read("/proc/sys/kernel/random/boot_id"),
    read("/etc/os-release"),
    filesystemStats(dataDir),
  ]);
  const mem = parseMeminfo(meminfo);
  return {
    // Honours CPU affinity, as the processors pods can use.
    cpus: os.availableParallelism(),
    memoryTotalKi: mem.totalKi,
    memoryAvailableKi: mem.availableKi,
    nodefs,
    tasks: parseLoadavgTasks(loadavg),
    pidMax: Number(pidMax ?? 32768),
    machineID: machineID ?? "",
    systemUUID: (productUuid ?? asUuid(machineID ?? "")).toLowerCase(),
    bootID: bootID ?? "",
    kernelVersion: os.release(),
    osImage: parseOsReleasePrettyName(osRelease ?? "") ?? `${os.type()} ${os.release()}`,
    architecture: GOARCH[process.arch] ?? process.arch,
  };
}
