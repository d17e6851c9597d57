// The Summary API's shapes (stats/v1alpha1, served at /stats/summary), as far as this node agent fills them.
// Times are RFC 3339 strings; byte and nanosecond figures are plain numbers.

export interface CpuStats {
  time: string;
  /** The average rate over the last sampling window, in billionths of a core. */
  usageNanoCores?: number;
  /** Cumulative CPU time across all cores. */
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface FsStats {
  time: string;
  availableBytes: number;
  capacityBytes: number;
  usedBytes: number;
  inodesFree: number;
  inodes: number;
  inodesUsed: number;
}

export interface ContainerSummary {
  name: string;
  startTime: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface PodReference { name: string; namespace: string; uid: string }

export interface PodSummary {
  podRef: PodReference;
  startTime: string;
  containers: ContainerSummary[];
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface NodeSummary {
  nodeName: string;
  startTime: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
  fs?: FsStats;
  runtime?: { imageFs?: FsStats };
}

export interface Summary {
  node: NodeSummary;
  pods: PodSummary[];
}
