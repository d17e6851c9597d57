// The hard eviction thresholds the node reports against, upstream's defaults: memory.available < 100Mi,
// nodefs.available < 10%, nodefs.inodesFree < 5%. Upstream has no default PID threshold; the node reports PID
// pressure when fewer than 10% of pid_max remain. The memory and nodefs thresholds are also held back from
// allocatable (as upstream's allocatable = capacity - reserved - hard eviction threshold), so the scheduler never
// fills a node into eviction.
import type { Machine } from "./machine.ts";

export const MEMORY_AVAILABLE_MIN_KI = 100 * 1024;
export const NODEFS_AVAILABLE_MIN_RATIO = 0.1;
export const NODEFS_INODES_FREE_MIN_RATIO = 0.05;
export const PIDS_AVAILABLE_MIN_RATIO = 0.1;

export interface Pressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

export function pressureOf(m: Machine): Pressure {
  const fs = m.nodefs;
  const diskShort = fs.capacityBytes > 0 && fs.availableBytes < fs.capacityBytes * NODEFS_AVAILABLE_MIN_RATIO;
  // Filesystems that do not count inodes report 0 of them.
  const inodesShort = fs.inodes > 0 && fs.inodesFree < fs.inodes * NODEFS_INODES_FREE_MIN_RATIO;
  return {
    memory: m.memoryAvailableKi < MEMORY_AVAILABLE_MIN_KI,
    disk: diskShort || inodesShort,
    pid: m.pidMax - m.tasks < m.pidMax * PIDS_AVAILABLE_MIN_RATIO,
  };
}
