// CPU usage as a rate (nanocores) from cumulative CPU time: the counter's growth between two samples of the same
// object over the time between them. Samples closer together than a minimum window keep the older baseline, so a
// burst of scrapes does not turn scheduling noise into a rate.

export interface CpuSample {
  /** Nanoseconds since the epoch. */
  timeNs: number;
  usageCoreNanoSeconds: number;
}

const DEFAULT_MIN_WINDOW_NS = 1e9;

export class CpuRateTracker {
  private readonly minWindowNs: number;
  private readonly entries = new Map<string, { baseline: CpuSample; nanoCores?: number }>();

  constructor(opts: { minWindowNs?: number } = {}) {
    this.minWindowNs = opts.minWindowNs ?? DEFAULT_MIN_WINDOW_NS;
  }

  /** Records a sample of `key` and returns its latest rate, undefined until two samples a window apart exist. */
  observe(key: string, sample: CpuSample): number | undefined {
    const entry = this.entries.get(key);
    if (!entry || sample.usageCoreNanoSeconds < entry.baseline.usageCoreNanoSeconds || sample.timeNs < entry.baseline.timeNs) {
      // New object, or one whose counter restarted (a recreated cgroup): start over.
      this.entries.set(key, { baseline: sample });
      return undefined;
    }
    const elapsed = sample.timeNs - entry.baseline.timeNs;
    if (elapsed >= this.minWindowNs) {
      entry.nanoCores = Math.round(((sample.usageCoreNanoSeconds - entry.baseline.usageCoreNanoSeconds) / elapsed) * 1e9);
      entry.baseline = sample;
    }
    return entry.nanoCores;
  }

  /** Forgets every object not in `keys` (gone pods and containers). */
  retain(keys: Set<string>): void {
    for (const key of this.entries.keys()) if (!keys.has(key)) this.entries.delete(key);
  }
}
