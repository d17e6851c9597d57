// The extension points of the scheduling framework: one small interface each. A plugin is an object with a name
// that implements any of them; the configuration decides at which points it runs.
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { Client } from "../client/rest-client.ts";
import type { EventRecorder } from "../client/events.ts";
import type { LabelMatcher } from "../api/selectors/labels.ts";
import type { CycleState } from "./cycle-state.ts";
import type { EventRegistration } from "./cluster-event.ts";
import type { NodeInfo } from "./node-info.ts";
import type { PodInfo } from "./pod-info.ts";
import type { QueuedPodInfo } from "./queue.ts";
import type { Status } from "./status.ts";
import type { SchedulerCache } from "./cache.ts";
import type { Nominator } from "./nominator.ts";
import type { Framework } from "./framework.ts";

export interface Plugin {
  readonly name: string;
  /** The cluster changes after which pods this plugin rejected are worth retrying. */
  events?(): EventRegistration[];
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** Decides whether a pod may enter the active queue at all (e.g. scheduling gates). */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: PodInfo): Status;
}

export interface PreFilterOutcome {
  status: Status;
  /** Only these nodes can fit; undefined means all. */
  nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterOutcome;
  /** Keep PreFilter's state right when preemption or nominations pretend a pod is added to / removed from a node. */
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

/** Why no node fit: each evaluated node's status, plus one status for nodes not in the map. */
export interface Diagnosis {
  nodeStatuses: Map<string, Status>;
  absentStatus: Status | undefined;
  unschedulablePlugins: Set<string>;
  preFilterMsg: string | undefined;
}

export interface PostFilterResult {
  status: Status;
  nominatedNodeName?: string;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, diagnosis: Diagnosis): PostFilterResult;
}

export interface PreScorePlugin extends Plugin {
  /** `nodes` are the feasible nodes about to be scored. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

/**
 * Scores every feasible node in one call (scores[i] for nodes[i]), so per-pod work is done once and the loop
 * over nodes stays tight.
 */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: Float64Array): void;
  /** Rescales scores[0..nodes.length) to 0..100 in place. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: Float64Array, nodes: readonly NodeInfo[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, node: string): Status;
  unreserve(state: CycleState, pod: PodInfo, node: string): void;
}

export interface PermitOutcome {
  status: Status;
  /** With Wait: how long to wait for allow() before the pod is rejected. */
  timeoutMs?: number;
}

export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, node: string): PermitOutcome;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, node: string): Promise<Status>;
}

/** Answers Skip to leave the pod to the next bind plugin. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, node: string): Promise<Status>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, node: string): void;
}

/** What plugins may use of the scheduler and the cluster. */
export interface Handle {
  readonly client: Client;
  readonly recorder: EventRecorder;
  readonly cache: SchedulerCache;
  readonly nominator: Nominator;
  /** The profile's framework (set once every plugin is built). */
  readonly framework: Framework;
  readonly profileName: string;
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  namespacesMatching(selector: LabelMatcher): string[];
  podDisruptionBudgets(namespace: string): PodDisruptionBudget[];
  /**
   * Upstream's DefaultSelector: the selectors of the Services, ReplicaSet or StatefulSet
   * the pod belongs to, merged; undefined when there are none.
   */
  defaultSpreadSelector(pod: Pod): LabelMatcher | undefined;
  /** PreemptLowerPriority or Never, from the pod or its PriorityClass. */
  preemptionPolicyOf(pod: Pod): string;
  /** Waiting pods held at Permit, by pod key. */
  waitingPod(key: string): WaitingPod | undefined;
  random(): number;
}

export interface WaitingPod {
  readonly pod: PodInfo;
  allow(plugin: string): void;
  reject(plugin: string, message: string): void;
}

export type PluginFactory = (args: Record<string, unknown> | undefined, handle: Handle) => Plugin;
