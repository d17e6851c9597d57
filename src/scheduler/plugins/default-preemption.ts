// PostFilter: when no node fits, find nodes where evicting lower-priority pods would make room, pick the one whose
// evictions hurt least (fewest PodDisruptionBudget violations, then lowest highest victim priority, lowest sum,
// fewest victims, latest-started), nominate the pod there and evict the victims. Evictions run in the background:
// the nomination keeps the room for the pod while its victims terminate.
import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { Diagnosis, Handle, PostFilterPlugin, PostFilterResult } from "../plugin.ts";
import type { CycleState } from "../cycle-state.ts";
import type { NodeInfo } from "../node-info.ts";
import type { PodInfo } from "../pod-info.ts";
import type { Status } from "../status.ts";
import { Code, SUCCESS, isSuccess, unresolvable, unschedulable } from "../status.ts";
import { fitErrorMessage } from "../fit-error.ts";
import { R } from "../../client/resources.ts";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";
import { logger } from "../../util/log.ts";
import { metaTime } from "../../util/time.ts";

const NAME = "DefaultPreemption";
const NOT_HELPFUL = unresolvable("Preemption is not helpful for scheduling");
const NO_VICTIMS = unresolvable("No preemption victims found for incoming pod");
const log = logger("scheduler");

export interface DefaultPreemptionArgs {
  /** Dry-run at least this share of the candidate nodes... */
  minCandidateNodesPercentage?: number;
  /** ...and at least this many. */
  minCandidateNodesAbsolute?: number;
}

export interface Candidate {
  node: string;
  /** Most important first. */
  victims: PodInfo[];
  pdbViolations: number;
}

/** When the pod started (pods not yet started count as starting now), for "least recently started" ties. */
const startTime = (p: PodInfo): number => {
  const t = p.pod.status?.startTime;
  return t ? Date.parse(t) : Date.now();
};

/** Upstream's MoreImportantPod: higher priority, then started earlier. */
export const moreImportant = (a: PodInfo, b: PodInfo): boolean => a.priority > b.priority || (a.priority === b.priority && startTime(a) < startTime(b));

/** A pod the scheduler is already evicting (DisruptionTarget set by preemption). */
const terminatingByPreemption = (pod: Pod): boolean =>
  !!pod.metadata?.deletionTimestamp && !!pod.status?.conditions?.some((c) => c.type === "DisruptionTarget" && c.reason === "PreemptionByScheduler");

/**
 * Splits victims into those whose eviction would exceed a PodDisruptionBudget and the rest, counting down each
 * budget's disruptionsAllowed as victims use it.
 */
export function splitByPdbViolation(victims: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    try {
      return labelSelectorMatcher(p.spec?.selector);
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const v of victims) {
    const labels = v.pod.metadata?.labels;
    let violated = false;
    if (labels && Object.keys(labels).length) {
      pdbs.forEach((pdb, i) => {
        const sel = selectors[i];
        // A budget with no (or an empty) selector matches nothing.
        if (pdb.metadata?.namespace !== v.namespace || !sel || sel.empty || !sel.matches(labels)) return;
        if (pdb.status?.disruptedPods?.[v.name]) return;
        if (--allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(v);
  }
  return { violating, nonViolating };
}

/** Upstream's pickOneNodeForPreemption: each criterion keeps the best candidates until one is left. */
export function pickCandidate(candidates: readonly Candidate[]): Candidate {
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.pdbViolations,
    (c) => -(c.victims[0]?.priority ?? 0),
    // Shifted so that negative priorities still add up to a smaller sum for fewer, less important victims.
    (c) => -c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    // The node whose most important victims started latest: evicting them loses the least work.
    (c) => {
      const top = c.victims[0]?.priority;
      return Math.min(...c.victims.filter((v) => v.priority === top).map(startTime));
    },
  ];
  let left = [...candidates];
  for (const score of criteria) {
    if (left.length === 1) break;
    const scores = left.map(score);
    const best = Math.max(...scores);
    left = left.filter((_, i) => scores[i] === best);
  }
  return left[0]!;
}

export function defaultPreemption(rawArgs: DefaultPreemptionArgs | undefined, handle: Handle): PostFilterPlugin {
  const minPercentage = rawArgs?.minCandidateNodesPercentage ?? 10;
  const minAbsolute = rawArgs?.minCandidateNodesAbsolute ?? 100;

  function eligible(pod: PodInfo, diagnosis: Diagnosis): string | undefined {
    if (handle.preemptionPolicyOf(pod.pod) === "Never") return "not eligible due to preemptionPolicy=Never.";
    const nominated = pod.pod.status?.nominatedNodeName;
    if (!nominated) return undefined;
    const status = diagnosis.nodeStatuses.get(nominated) ?? diagnosis.absentStatus;
    if (status?.code === Code.UnschedulableAndUnresolvable) return undefined;
    const node = handle.cache.node(nominated);
    if (node) for (const p of node.pods.values()) if (p.priority < pod.priority && terminatingByPreemption(p.pod)) return "not eligible due to a terminating pod on the nominated node.";
    return undefined;
  }

  /** Removes lower-priority pods until the pod fits, then gives back as many as still allow it to fit. */
  function selectVictims(state: CycleState, pod: PodInfo, node: NodeInfo): { status: Status; victims: PodInfo[]; pdbViolations: number } {
    const fwk = handle.framework;
    const nominated = handle.nominator.podsOn(node.name);
    const potential = [...node.pods.values()].filter((p) => p.priority < pod.priority);
    if (potential.length === 0) return { status: NO_VICTIMS, victims: [], pdbViolations: 0 };
    for (const p of potential) {
      node.removePod(p.key);
      fwk.removePodFromState(state, pod, p, node);
    }
    const fits = fwk.runFilterWithNominatedPods(state, pod, node, nominated);
    if (!isSuccess(fits)) return { status: fits, victims: [], pdbViolations: 0 };
    potential.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
    const pdbs = [...new Set(potential.map((p) => p.namespace))].flatMap((ns) => handle.podDisruptionBudgets(ns));
    const { violating, nonViolating } = splitByPdbViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    let pdbViolations = 0;
    const reprieve = (p: PodInfo): boolean => {
      node.addPod(p);
      fwk.addPodToState(state, pod, p, node);
      if (isSuccess(fwk.runFilterWithNominatedPods(state, pod, node, nominated))) return true;
      node.removePod(p.key);
      fwk.removePodFromState(state, pod, p, node);
      victims.push(p);
      return false;
    };
    for (const p of violating) if (!reprieve(p)) pdbViolations++;
    for (const p of nonViolating) reprieve(p);
    if (violating.length && nonViolating.length) victims.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
    return { status: SUCCESS, victims, pdbViolations };
  }

  /** Dry-runs preemption on the nodes where it might help, from a random offset, until enough candidates are found. */
  function findCandidates(state: CycleState, pod: PodInfo, diagnosis: Diagnosis, all: readonly NodeInfo[]): { candidates: Candidate[]; statuses: Map<string, Status> } {
    const potential = all.filter((n) => (diagnosis.nodeStatuses.get(n.name) ?? diagnosis.absentStatus)?.code !== Code.UnschedulableAndUnresolvable);
    if (potential.length === 0) return { candidates: [], statuses: new Map(all.map((n) => [n.name, NOT_HELPFUL])) };
    const wanted = Math.min(potential.length, Math.max(Math.trunc((potential.length * minPercentage) / 100), minAbsolute));
    const offset = Math.floor(handle.random() * potential.length);
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    const statuses = new Map<string, Status>();
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length]!;
      const r = selectVictims(state.clone(), pod, node.clone());
      if (isSuccess(r.status) && r.victims.length) {
        (r.pdbViolations === 0 ? nonViolating : violating).push({ node: node.name, victims: r.victims, pdbViolations: r.pdbViolations });
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= wanted) break;
      } else {
        statuses.set(node.name, r.status);
      }
    }
    return { candidates: [...nonViolating, ...violating], statuses };
  }

  /** Evicts the victims (marked DisruptionTarget first, as upstream) and drops lower-priority nominations there. */
  async function evict(pod: PodInfo, c: Candidate): Promise<void> {
    const pods = handle.client.resource(R.pods);
    const condition: PodCondition = {
      type: "DisruptionTarget",
      status: "True",
      reason: "PreemptionByScheduler",
      message: `${pod.pod.spec?.schedulerName ?? handle.profileName}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: metaTime(Date.now()),
    };
    await Promise.all(c.victims.map(async (v) => {
      const waiting = handle.waitingPod(v.key);
      if (waiting) return waiting.reject(NAME, "preempted");
      try {
        await pods.patch(v.namespace, v.name, { status: { conditions: [condition] } }, "strategic", { subresource: "status" });
        await pods.delete(v.namespace, v.name, { preconditions: { uid: v.pod.metadata?.uid } });
        handle.recorder.event({ apiVersion: "v1", kind: "Pod", metadata: v.pod.metadata }, "Normal", "Preempted", `Preempted by pod ${pod.pod.metadata?.uid} on node ${c.node}`);
      } catch (err) {
        log.warn({ victim: v.key, preemptor: pod.key, err: (err as Error).message }, "preemption victim not evicted");
      }
    }));
    const lower = (handle.nominator.podsOn(c.node) ?? []).filter((p) => p.priority < pod.priority && p.key !== pod.key);
    for (const p of lower) {
      handle.nominator.delete(p.key);
      await pods.patch(p.namespace, p.name, { status: { nominatedNodeName: null } }, "merge", { subresource: "status" }).catch(() => undefined);
    }
  }

  return {
    name: NAME,
    postFilter(state, pod, diagnosis): PostFilterResult {
      const notEligible = eligible(pod, diagnosis);
      if (notEligible) return { status: unschedulable(`preemption: ${notEligible}`) };
      const all = handle.cache.nodeList();
      const { candidates, statuses } = findCandidates(state, pod, diagnosis, all);
      if (candidates.length === 0) {
        const msg = fitErrorMessage(all.length, { nodeStatuses: statuses, absentStatus: undefined, unschedulablePlugins: new Set(), preFilterMsg: undefined });
        return { status: unschedulable(`preemption: ${msg}`), nominatedNodeName: "" };
      }
      const best = pickCandidate(candidates);
      void evict(pod, best);
      return { status: SUCCESS, nominatedNodeName: best.node };
    },
  };
}
