// A node not heard from within its grace period: its Ready and pressure conditions become Unknown (upstream leaves
// NetworkUnavailable alone, as the network plugin owns it). Conditions the kubelet never posted are added as
// Unknown too.
import type { Node, NodeCondition } from "kubernetes-types/core/v1";
import { metaTime } from "../../util/time.ts";

const TYPES = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/** The node's conditions with the monitored ones Unknown, or undefined when they already are. */
export function unknownConditions(node: Node, now: Date): NodeCondition[] | undefined {
  const stamp = metaTime(now);
  const conditions = [...(node.status?.conditions ?? [])];
  let changed = false;
  for (const type of TYPES) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({ type, status: "Unknown", reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status.", lastHeartbeatTime: node.metadata?.creationTimestamp, lastTransitionTime: stamp });
      changed = true;
    } else if (conditions[i]!.status !== "Unknown") {
      conditions[i] = { ...conditions[i]!, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: stamp };
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
