// What a simulator is told: how many nodes, what they offer, and how often they report. `berth sim` fills every
// field (defaults live with its flags in src/cmd/sim/config.ts).

/** Node resources as quantities, reported as both capacity and allocatable. */
export interface NodeResources {
  cpu: string;
  memory: string;
  pods: string;
  "ephemeral-storage": string;
}

export interface SimOptions {
  nodeCount: number;
  /** Node i is named `${namePrefix}${i}`. */
  namePrefix: string;
  resources: NodeResources;
  /** Added to the labels every simulated node gets. */
  extraLabels: Record<string, string>;
  /** Written into each Lease; the node lifecycle controller calls a node dead this long after its last renewal. */
  leaseDurationSeconds: number;
  leaseRenewIntervalMs: number;
  /** How often a node posts its full status when nothing changed (the kubelet's nodeStatusReportFrequency). */
  statusReportIntervalMs: number;
  /** Concurrent registrations at start. */
  registrationWorkers: number;
  /**
   * Concurrent heartbeats (Lease renewals, status posts). Enough to ride out a stalled API server without falling
   * behind the schedule: renewals keep going out on time and wait at the server, as independent kubelets' would.
   */
  heartbeatWorkers: number;
  /** Concurrent pod requests (status writes and deletes). */
  podWorkers: number;
  /** Pod writes per second across all nodes, so a large rollout leaves the API server room for everyone else. */
  podWriteQps: number;
}
