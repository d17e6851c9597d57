// Why a pod fits no node, in upstream's words: "0/4 nodes are available: 1 node(s) had untolerated taint
// {dedicated: gpu}, 3 Insufficient cpu. preemption: ..." — a histogram of reasons over all nodes, sorted as text.
import type { Diagnosis } from "./plugin.ts";

export function fitErrorMessage(numAllNodes: number, d: Diagnosis, postFilterMsg?: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const s of d.nodeStatuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeStatuses.size;
    if (absent > 0 && d.absentStatus) for (const r of d.absentStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length) msg += ` ${parts.join(", ")}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}${postFilterMsg.endsWith(".") ? "" : "."}`;
  return msg;
}
