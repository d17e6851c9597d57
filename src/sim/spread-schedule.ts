// When each node's heartbeat falls due. Node i of n renews at i/n of every interval, so renewals arrive at an even
// rate (5000 nodes every 10 s: one every 2 ms) instead of in bursts, from one clock and no per-node timers.

export interface DueSlot {
  index: number;
  /** How many whole intervals had passed at the slot's time. */
  cycle: number;
}

/** The slots whose time lies in (fromMs, toMs], times measured from the schedule's start, in time order. */
export function* dueSlots(count: number, intervalMs: number, fromMs: number, toMs: number): Generator<DueSlot> {
  if (count <= 0 || toMs <= fromMs) return;
  for (let cycle = Math.max(0, Math.floor(fromMs / intervalMs)); cycle * intervalMs <= toMs; cycle++) {
    const base = cycle * intervalMs;
    // Slot i is at base + i * intervalMs / count: the first after fromMs, through the last at or before toMs.
    const lo = Math.max(0, Math.floor(((fromMs - base) * count) / intervalMs) + 1);
    const hi = Math.min(count - 1, Math.floor(((toMs - base) * count) / intervalMs));
    for (let index = lo; index <= hi; index++) yield { index, cycle };
  }
}

/**
 * Whether node `index` also posts its full status in this cycle: once every `cyclesPerReport` cycles, staggered by
 * index so each cycle carries an equal share of the reports.
 */
export const statusReportDue = (index: number, cycle: number, cyclesPerReport: number): boolean =>
  (cycle + index) % cyclesPerReport === 0;
