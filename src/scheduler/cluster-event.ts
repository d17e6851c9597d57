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
  /** Requests went down (in-place resize) or the pod finished. */
  UpdatePodScaleDown: 1 << 8,
  UpdatePodTolerations: 1 << 9,
  UpdatePodSchedulingGatesEliminated: 1 << 10,
  /** Any other change to a pod's spec or metadata. */
  UpdatePodOther: 1 << 11,
  UpdateOther: 1 << 12,
} as const;
export const ANY_UPDATE = 0b1_1111_1111_1100;
export const ANY_ACTION = ANY_UPDATE | Action.Add | Action.Delete;

/** AssignedPod: pods bound to nodes; UnscheduledPod: the pending pod itself. */
export type EventResource = "Node" | "AssignedPod" | "UnscheduledPod" | "Namespace" | "PodDisruptionBudget" | "PriorityClass" | "Workload";

export interface ClusterEvent {
  resource: EventResource;
  actions: number;
}

/** Answers whether the change may make `pod` schedulable (upstream's QueueingHint: Queue or QueueSkip). */
export type QueueingHint<O = unknown> = (pod: Pod, oldObj: O | undefined, newObj: O | undefined) => boolean;

export interface EventRegistration {
  event: ClusterEvent;
  hint?: QueueingHint;
}

export const eventMatches = (registered: ClusterEvent, ev: ClusterEvent): boolean =>
  registered.resource === ev.resource && (registered.actions & ev.actions) !== 0;
