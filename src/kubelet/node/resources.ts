// Capacity and allocatable as the node reports them. Quantities use the binary suffixes upstream prints ("Ki").
import { MEMORY_AVAILABLE_MIN_KI, NODEFS_AVAILABLE_MIN_RATIO } from "./eviction.ts";
import type { Machine } from "./machine.ts";

/** Upstream's default --max-pods. */
export const MAX_PODS = 110;

/** Bytes as a quantity: whole KiB as "<n>Ki", anything else in bytes. */
const bytes = (n: number): string => (n % 1024 === 0 ? `${n / 1024}Ki` : String(n));

export function nodeResources(m: Machine): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const storage = m.nodefs.capacityBytes;
  const base = { cpu: String(m.cpus), pods: String(MAX_PODS), "hugepages-1Gi": "0", "hugepages-2Mi": "0" };
  return {
    capacity: { ...base, memory: `${m.memoryTotalKi}Ki`, "ephemeral-storage": bytes(storage) },
    allocatable: {
      ...base,
      memory: `${Math.max(0, m.memoryTotalKi - MEMORY_AVAILABLE_MIN_KI)}Ki`,
      // Whole KiB, so it prints like capacity.
      "ephemeral-storage": bytes(Math.floor((storage * (1 - NODEFS_AVAILABLE_MIN_RATIO)) / 1024) * 1024),
    },
  };
}
