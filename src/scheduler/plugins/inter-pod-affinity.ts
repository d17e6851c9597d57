// Pod affinity and anti-affinity. Filter: the pod's required affinity terms must each find a matching pod in the
// node's domain (a pod whose terms match itself may start a group), its required anti-affinity terms must find
// none, and no existing pod's required anti-affinity may reject it (symmetry). Score: preferred terms, both the
// pod's and existing pods', plus existing pods' required affinity at hardPodAffinityWeight. The cache's pod groups
// let each selector be tested once per group of alike pods.
import type { Pod } from "kubernetes-types/core/v1";
import type { FilterPlugin, Handle, PreFilterOutcome, PreFilterPlugin, PreScorePlugin, ScorePlugin } from "../plugin.ts";
import type { StateData } from "../cycle-state.ts";
import type { AffinityTerm } from "../affinity-term.ts";
import { parseTerms, resolveNamespaces, termMatches } from "../affinity-term.ts";
import type { PodInfo } from "../pod-info.ts";
import type { NodeInfo } from "../node-info.ts";
import { Action } from "../cluster-event.ts";
import { SKIP, SUCCESS, unresolvable, unschedulable } from "../status.ts";
import { MAX_NODE_SCORE } from "../framework.ts";
import { TopologyCounts } from "./helpers/topology-counts.ts";

const NAME = "InterPodAffinity";
const SCORE_KEY = `${NAME}/score`;
const AFFINITY_NOT_MATCHED = unresolvable("node(s) didn't match pod affinity rules");
const ANTI_AFFINITY_NOT_MATCHED = unschedulable("node(s) didn't match pod anti-affinity rules");
const EXISTING_ANTI_AFFINITY_NOT_MATCHED = unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");
const SKIPPED: PreFilterOutcome = { status: SKIP };
const OK: PreFilterOutcome = { status: SUCCESS };

export interface InterPodAffinityArgs {
  /** Weight of an existing pod's required affinity term that the incoming pod matches, for scoring. Default 1. */
  hardPodAffinityWeight?: number;
  /** Score only by the incoming pod's preferred terms. */
  ignorePreferredTermsOfExistingPods?: boolean;
}

class FilterState implements StateData {
  readonly affinity: readonly AffinityTerm[];
  readonly antiAffinity: readonly AffinityTerm[];
  readonly nsLabels: Record<string, string> | undefined;
  /** Domains holding existing pods whose anti-affinity the incoming pod matches. */
  existingAntiAffinity = new TopologyCounts();
  /** Domains holding pods that match all of the incoming pod's affinity terms / one of its anti-affinity terms. */
  affinityCounts = new TopologyCounts();
  antiAffinityCounts = new TopologyCounts();
  constructor(affinity: readonly AffinityTerm[], antiAffinity: readonly AffinityTerm[], nsLabels: Record<string, string> | undefined) {
    this.affinity = affinity;
    this.antiAffinity = antiAffinity;
    this.nsLabels = nsLabels;
  }
  clone(): StateData {
    const c = new FilterState(this.affinity, this.antiAffinity, this.nsLabels);
    c.existingAntiAffinity = this.existingAntiAffinity.clone();
    c.affinityCounts = this.affinityCounts.clone();
    c.antiAffinityCounts = this.antiAffinityCounts.clone();
    return c;
  }
}

class ScoreState implements StateData {
  readonly scores: TopologyCounts;
  constructor(scores: TopologyCounts) {
    this.scores = scores;
  }
  clone(): StateData {
    return this;
  }
}

const matchesAll = (terms: readonly AffinityTerm[], namespace: string, labels: Readonly<Record<string, string>> | undefined): boolean =>
  terms.length > 0 && terms.every((t) => termMatches(t, namespace, labels, undefined));

/** Adds `weight` per pod of a group to the domains (by `key`) of the nodes the pods run on. */
function addToDomains(nodes: Map<NodeInfo, number>, key: string, counts: TopologyCounts, weight: number): void {
  for (const [node, n] of nodes) if (node.node) counts.addForNode(node.labels, key, n * weight);
}

export function interPodAffinity(rawArgs: InterPodAffinityArgs | undefined, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const hardWeight = rawArgs?.hardPodAffinityWeight ?? 1;
  const ignoreExistingPreferred = rawArgs?.ignorePreferredTermsOfExistingPods ?? false;
  const groups = handle.cache.groups;
  const resolve = (terms: readonly AffinityTerm[]) => terms.map((t) => resolveNamespaces(t, (sel) => handle.namespacesMatching(sel)));

  /** How one existing pod on `node` changes the incoming pod's counts (delta +1 when added, -1 when removed). */
  function count(s: FilterState, incoming: PodInfo, existing: PodInfo, node: NodeInfo, delta: number): void {
    const labels = existing.pod.metadata?.labels;
    for (const t of existing.requiredAntiAffinity) {
      if (termMatches(t, incoming.namespace, incoming.pod.metadata?.labels, s.nsLabels)) s.existingAntiAffinity.addForNode(node.labels, t.topologyKey, delta);
    }
    if (matchesAll(s.affinity, existing.namespace, labels)) for (const t of s.affinity) s.affinityCounts.addForNode(node.labels, t.topologyKey, delta);
    for (const t of s.antiAffinity) if (termMatches(t, existing.namespace, labels, undefined)) s.antiAffinityCounts.addForNode(node.labels, t.topologyKey, delta);
  }

  return {
    name: NAME,
    preFilter(state, pod) {
      const s = new FilterState(resolve(pod.requiredAffinity), resolve(pod.requiredAntiAffinity), handle.namespaceLabels(pod.namespace));
      const podLabels = pod.pod.metadata?.labels;
      for (const g of groups.termGroups("requiredAntiAffinity")) {
        if (termMatches(g.term, pod.namespace, podLabels, s.nsLabels)) addToDomains(g.nodes, g.term.topologyKey, s.existingAntiAffinity, 1);
      }
      if (s.affinity.length || s.antiAffinity.length) {
        for (const g of groups.allLabelGroups()) {
          if (matchesAll(s.affinity, g.namespace, g.labels)) for (const t of s.affinity) addToDomains(g.nodes, t.topologyKey, s.affinityCounts, 1);
          for (const t of s.antiAffinity) if (termMatches(t, g.namespace, g.labels, undefined)) addToDomains(g.nodes, t.topologyKey, s.antiAffinityCounts, 1);
        }
      }
      if (s.existingAntiAffinity.empty && !s.affinity.length && !s.antiAffinity.length) return SKIPPED;
      state.write(NAME, s);
      return OK;
    },
    addPod(state, pod, added, node) {
      const s = state.read<FilterState>(NAME);
      if (s) count(s, pod, added, node, 1);
    },
    removePod(state, pod, removed, node) {
      const s = state.read<FilterState>(NAME);
      if (s) count(s, pod, removed, node, -1);
    },
    filter(state, pod, node) {
      const s = state.read<FilterState>(NAME)!;
      const labels = node.labels;
      if (s.affinity.length) {
        let podsExist = true;
        for (const t of s.affinity) {
          const v = labels[t.topologyKey];
          if (v === undefined) return AFFINITY_NOT_MATCHED;
          if (s.affinityCounts.get(t.topologyKey, v) <= 0) podsExist = false;
        }
        // The first pod of a group whose terms select itself may go anywhere the labels exist.
        if (!podsExist && !(s.affinityCounts.empty && matchesAll(s.affinity, pod.namespace, pod.pod.metadata?.labels))) return AFFINITY_NOT_MATCHED;
      }
      for (const t of s.antiAffinity) {
        const v = labels[t.topologyKey];
        if (v !== undefined && s.antiAffinityCounts.get(t.topologyKey, v) > 0) return ANTI_AFFINITY_NOT_MATCHED;
      }
      if (!s.existingAntiAffinity.empty && s.existingAntiAffinity.anyForNode(labels)) return EXISTING_ANTI_AFFINITY_NOT_MATCHED;
      return SUCCESS;
    },
    preScore(state, pod) {
      const existingTerms = (hardWeight > 0 && groups.hasTerms("requiredAffinity")) ||
        (!ignoreExistingPreferred && (groups.hasTerms("preferredAffinity") || groups.hasTerms("preferredAntiAffinity")));
      if (pod.preferredAffinity.length + pod.preferredAntiAffinity.length === 0 && !existingTerms) return SKIP;
      const preferred = resolve(pod.preferredAffinity);
      const preferredAnti = resolve(pod.preferredAntiAffinity);
      const nsLabels = handle.namespaceLabels(pod.namespace);
      const podLabels = pod.pod.metadata?.labels;
      const scores = new TopologyCounts();
      if (preferred.length + preferredAnti.length) {
        for (const g of groups.allLabelGroups()) {
          for (const t of preferred) if (termMatches(t, g.namespace, g.labels, undefined)) addToDomains(g.nodes, t.topologyKey, scores, t.weight);
          for (const t of preferredAnti) if (termMatches(t, g.namespace, g.labels, undefined)) addToDomains(g.nodes, t.topologyKey, scores, -t.weight);
        }
      }
      const existing = (kind: "requiredAffinity" | "preferredAffinity" | "preferredAntiAffinity", weight: (t: AffinityTerm) => number) => {
        for (const g of groups.termGroups(kind)) {
          if (termMatches(g.term, pod.namespace, podLabels, nsLabels)) addToDomains(g.nodes, g.term.topologyKey, scores, weight(g.term));
        }
      };
      if (hardWeight > 0) existing("requiredAffinity", () => hardWeight);
      if (!ignoreExistingPreferred) {
        existing("preferredAffinity", (t) => t.weight);
        existing("preferredAntiAffinity", (t) => -t.weight);
      }
      if (scores.empty) return SKIP;
      state.write(SCORE_KEY, new ScoreState(scores));
      return SUCCESS;
    },
    score(state, _pod, nodes, out) {
      const { scores } = state.read<ScoreState>(SCORE_KEY)!;
      for (let i = 0; i < nodes.length; i++) out[i] = scores.sumForNode(nodes[i]!.labels);
    },
    normalizeScore(_state, _pod, scores, nodes) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < nodes.length; i++) {
        min = Math.min(min, scores[i]!);
        max = Math.max(max, scores[i]!);
      }
      const diff = max - min;
      for (let i = 0; i < nodes.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / diff) : 0;
    },
    events: () => [
      { event: { resource: "AssignedPod", actions: Action.Add }, hint: (pod, _old, added) => addedPodMayHelp(pod, added as Pod) },
      { event: { resource: "AssignedPod", actions: Action.UpdatePodLabel | Action.Delete } },
      { event: { resource: "Node", actions: Action.Add | Action.UpdateNodeLabel } },
      { event: { resource: "Namespace", actions: Action.Add | Action.UpdateOther } },
    ],
  };
}

/** A new pod can only help a pod that waits for affinity partners, and only if it is one. */
function addedPodMayHelp(pending: Pod, added: Pod): boolean {
  const ns = pending.metadata?.namespace ?? "";
  try {
    const terms = parseTerms(pending.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, ns);
    return terms.some((t) => !!t.namespaceSelector || termMatches(t, added.metadata?.namespace ?? "", added.metadata?.labels, undefined));
  } catch {
    return false;
  }
}
