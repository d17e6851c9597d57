// Cluster changes that can make an unschedulable pod schedulable. Plugins say which ones matter to the pods they
// rejected (optionally with a hint that looks at the objects), so a node heartbeat does not wake every pod.
import type { Pod } from "kubernetes-types/core/v1";

/** Bits, so one update can carry several kinds of change. */
export const Action = {
  Add: 1 << 0,
  Delete: 1 << 1,
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  /** Taints or spec.unschedulable. */
  UpdateNodeTaint: 1 << 4,
  UpdateNodeCondition: 1 << 5,
  UpdateNodeAnnotation: 1 << 6,
  UpdatePodLabel: 1 << 7,
  /** A bound pod's container resources changed (in-place resize). */
  UpdatePodScaleDown: 1 << 8,
  /** Any other change (e.g. a namespace's labels). */
  UpdateOther: 1 << 9,
} as const;

/** AssignedPod: pods bound to nodes. (A pending pod's own changes are handled by the queue directly.) */
export type EventResource = "Node" | "AssignedPod" | "Namespace";

export interface ClusterEvent {
  resource: EventResource;
  actions: number;
}

/** Answers whether the change may make `pod` schedulable (upstream's QueueingHint: Queue or QueueSkip). */
export type QueueingHint = (pod: Pod, oldObj: unknown, newObj: unknown) => boolean;

export interface EventRegistration {
  event: ClusterEvent;
  hint?: QueueingHint;
}

export const eventMatches = (registered: ClusterEvent, ev: ClusterEvent): boolean =>
  registered.resource === ev.resource && (registered.actions & ev.actions) !== 0;
