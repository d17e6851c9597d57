// Per-pod scratch space of one scheduling cycle: what PreFilter/PreScore computed for Filter/Score to read, and
// which plugins asked to be skipped. Preemption clones it to try removing pods without disturbing the original.
import type { FilterPlugin } from "./plugin.ts";

export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Plugins whose PreFilter answered Skip: their Filter does not run for this pod. */
  readonly skipFilter = new Set<string>();
  /** Plugins whose PreScore answered Skip: their Score does not run. */
  readonly skipScore = new Set<string>();
  /** The filters that run for this pod (the profile's minus skipped ones), worked out once per cycle. */
  filters: FilterPlugin[] | undefined;

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    for (const p of this.skipFilter) c.skipFilter.add(p);
    for (const p of this.skipScore) c.skipScore.add(p);
    return c;
  }
}
