// Spreading matching pods over topology domains. Filter (DoNotSchedule): placing the pod must not make its domain
// exceed the least populated eligible domain by more than maxSkew (the minimum counts as 0 while fewer than
// minDomains domains exist). Score (ScheduleAnyway, and the cluster's default constraints for pods without their
// own): fewer matching pods in the node's domains scores higher. Only nodes that carry every constraint's key, and
// pass the nodeAffinityPolicy/nodeTaintsPolicy, count.
import type { Pod, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { FilterPlugin, Handle, PreFilterOutcome, PreFilterPlugin, PreScorePlugin, ScorePlugin } from "../plugin.ts";
import type { StateData } from "../cycle-state.ts";
import type { NodeInfo } from "../node-info.ts";
import type { PodInfo } from "../pod-info.ts";
import type { LabelGroup } from "../pod-groups.ts";
import { Action } from "../cluster-event.ts";
import { SKIP, SUCCESS, unresolvable, unschedulable } from "../status.ts";
import { MAX_NODE_SCORE } from "../framework.ts";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";
import type { LabelMatcher } from "../../api/selectors/labels.ts";
import { requiredNodeSelector } from "./helpers/node-selector.ts";
import type { RequiredNodeSelector } from "./helpers/node-selector.ts";
import { firstUntolerated, isNoScheduleOrNoExecute } from "./helpers/tolerations.ts";

const NAME = "PodTopologySpread";
const SCORE_KEY = `${NAME}/score`;
const HOSTNAME = "kubernetes.io/hostname";
const MISSING_LABEL = unresolvable("node(s) didn't match pod topology spread constraints (missing required label)");
const SKEW_EXCEEDED = unschedulable("node(s) didn't match pod topology spread constraints");
const SKIPPED: PreFilterOutcome = { status: SKIP };
const OK: PreFilterOutcome = { status: SUCCESS };

/** Upstream's system default: spread softly over hosts and zones. */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { maxSkew: 3, topologyKey: HOSTNAME, whenUnsatisfiable: "ScheduleAnyway" },
  { maxSkew: 5, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
];

export interface PodTopologySpreadArgs {
  /** Constraints for pods that have none; only used with defaultingType List. */
  defaultConstraints?: TopologySpreadConstraint[];
  /** System (default): the system default constraints; List: defaultConstraints. */
  defaultingType?: "System" | "List";
}

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelMatcher;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/** Upstream's countPodsMatchSelector: same namespace, not terminating, selected. */
function countMatching(node: NodeInfo, selector: LabelMatcher, namespace: string): number {
  if (node.podCount === 0) return 0;
  let n = 0;
  for (const p of node.pods.values()) {
    if (p.namespace === namespace && !p.pod.metadata?.deletionTimestamp && selector.matches(p.pod.metadata?.labels)) n++;
  }
  return n;
}

const hasAllKeys = (labels: Readonly<Record<string, string>>, cs: readonly Constraint[]): boolean => cs.every((c) => labels[c.topologyKey] !== undefined);

function includes(c: Constraint, pod: Pod, node: NodeInfo, required: RequiredNodeSelector | undefined): boolean {
  if (c.honorNodeAffinity && required && !required.matches(node.labels, node.name)) return false;
  if (c.honorTaints && firstUntolerated(node.taints, pod.spec?.tolerations, isNoScheduleOrNoExecute)) return false;
  return true;
}

class FilterState implements StateData {
  readonly constraints: Constraint[];
  readonly required: RequiredNodeSelector | undefined;
  /** Per constraint: matching pods per domain value. */
  readonly counts: Map<string, number>[];
  /** Per constraint: whether the pod itself matches (it will count once placed). */
  readonly self: boolean[];
  private readonly minCache: (number | undefined)[];
  constructor(constraints: Constraint[], required: RequiredNodeSelector | undefined, counts: Map<string, number>[], self: boolean[]) {
    this.constraints = constraints;
    this.required = required;
    this.counts = counts;
    this.self = self;
    this.minCache = constraints.map(() => undefined);
  }
  /** The global minimum for constraint i: 0 while there are fewer domains than minDomains. */
  minMatch(i: number): number {
    const counts = this.counts[i]!;
    if (counts.size < this.constraints[i]!.minDomains) return 0;
    let m = this.minCache[i];
    if (m === undefined) {
      m = Infinity;
      for (const v of counts.values()) if (v < m) m = v;
      this.minCache[i] = m;
    }
    return m;
  }
  add(i: number, value: string, n: number): void {
    const counts = this.counts[i]!;
    counts.set(value, (counts.get(value) ?? 0) + n);
    this.minCache[i] = undefined;
  }
  clone(): StateData {
    return new FilterState(this.constraints, this.required, this.counts.map((m) => new Map(m)), this.self);
  }
}

class ScoreState implements StateData {
  readonly constraints: Constraint[];
  readonly ignored: Set<string>;
  readonly counts: Map<string, number>[];
  readonly weights: number[];
  constructor(constraints: Constraint[], ignored: Set<string>, counts: Map<string, number>[], weights: number[]) {
    this.constraints = constraints;
    this.ignored = ignored;
    this.counts = counts;
    this.weights = weights;
  }
  clone(): StateData {
    return this;
  }
}

export function podTopologySpread(rawArgs: PodTopologySpreadArgs | undefined, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const groups = handle.cache.groups;
  const systemDefaulted = (rawArgs?.defaultingType ?? "System") === "System";
  const defaults = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (rawArgs?.defaultConstraints ?? []);

  /** The pod's own constraints with this whenUnsatisfiable, or the defaults (selecting its siblings) if it has none. */
  function constraintsOf(pod: Pod, when: string): Constraint[] {
    const own = pod.spec?.topologySpreadConstraints;
    if (own?.length) return own.filter((c) => (c.whenUnsatisfiable || "DoNotSchedule") === when).map((c) => compile(c, c.labelSelector ? labelSelectorMatcher(withMatchLabelKeys(c, pod)) : undefined));
    const relevant = defaults.filter((c) => c.whenUnsatisfiable === when);
    if (relevant.length === 0) return [];
    const selector = handle.defaultSpreadSelector(pod);
    if (!selector) return [];
    return relevant.map((c) => compile(c, c.matchLabelKeys?.length ? andKeys(selector, c, pod) : selector));
  }

  // Domain values of nodes that carry all of a constraint set's keys, by key set: reused until node labels change.
  const domainLists = new Map<string, { version: number; values: string[] }>();
  function allDomains(c: Constraint, all: readonly Constraint[], nodes: readonly NodeInfo[]): string[] {
    const id = `${c.topologyKey}\0${all.map((x) => x.topologyKey).join("\0")}`;
    const version = handle.cache.nodeLabelsVersion;
    const hit = domainLists.get(id);
    if (hit?.version === version) return hit.values;
    const values = new Set<string>();
    for (const node of nodes) if (hasAllKeys(node.labels, all)) values.add(node.labels[c.topologyKey]!);
    domainLists.set(id, { version, values: [...values] });
    return [...values];
  }

  /** Matching pods per domain of the constraint, over eligible nodes (every eligible domain present, maybe at 0). */
  function domainCounts(c: Constraint, pod: PodInfo, nodes: readonly NodeInfo[], all: readonly Constraint[], required: RequiredNodeSelector | undefined): Map<string, number> {
    const domains = new Map<string, number>();
    // Without inclusion policies every node with the keys is eligible, and its domains can come from the cache.
    const policies = (c.honorNodeAffinity && required !== undefined) || c.honorTaints;
    if (policies) {
      for (const node of nodes) if (hasAllKeys(node.labels, all) && includes(c, pod.pod, node, required)) domains.set(node.labels[c.topologyKey]!, 0);
    } else {
      for (const v of allDomains(c, all, nodes)) domains.set(v, 0);
    }
    for (const g of groups.labelGroups(pod.namespace)) {
      if (g.terminating || !c.selector.matches(g.labels)) continue;
      if (!policies) {
        for (const [v, n] of groupDomains(g, c, all)) domains.set(v, domains.get(v)! + n);
        continue;
      }
      for (const [node, n] of g.nodes) {
        if (!node.node || !hasAllKeys(node.labels, all) || !includes(c, pod.pod, node, required)) continue;
        const v = node.labels[c.topologyKey]!;
        domains.set(v, domains.get(v)! + n);
      }
    }
    return domains;
  }

  // A group's pods per domain (nodes with all keys), cached until the group or node labels change: a cycle then
  // recounts only the group that gained the last pod.
  const groupDomainCache = new WeakMap<LabelGroup, Map<string, { changes: number; version: number; counts: Map<string, number> }>>();
  function groupDomains(g: LabelGroup, c: Constraint, all: readonly Constraint[]): Map<string, number> {
    let byId = groupDomainCache.get(g);
    if (!byId) groupDomainCache.set(g, (byId = new Map()));
    const id = `${c.topologyKey}\0${all.map((x) => x.topologyKey).join("\0")}`;
    const version = handle.cache.nodeLabelsVersion;
    const hit = byId.get(id);
    if (hit?.changes === g.changes && hit.version === version) return hit.counts;
    const counts = new Map<string, number>();
    for (const [node, n] of g.nodes) {
      if (!node.node || !hasAllKeys(node.labels, all)) continue;
      const v = node.labels[c.topologyKey]!;
      counts.set(v, (counts.get(v) ?? 0) + n);
    }
    byId.set(id, { changes: g.changes, version, counts });
    return counts;
  }

  return {
    name: NAME,
    preFilter(state, pod, nodes) {
      const constraints = constraintsOf(pod.pod, "DoNotSchedule");
      if (constraints.length === 0) return SKIPPED;
      const required = requiredNodeSelector(pod.pod);
      const counts = constraints.map((c) => domainCounts(c, pod, nodes, constraints, required));
      const self = constraints.map((c) => c.selector.matches(pod.pod.metadata?.labels));
      state.write(NAME, new FilterState(constraints, required, counts, self));
      return OK;
    },
    addPod(state, pod, added, node) {
      update(state.read<FilterState>(NAME), pod, added, node, 1);
    },
    removePod(state, pod, removed, node) {
      update(state.read<FilterState>(NAME), pod, removed, node, -1);
    },
    filter(state, _pod, node) {
      const s = state.read<FilterState>(NAME)!;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const v = node.labels[c.topologyKey];
        if (v === undefined) return MISSING_LABEL;
        if ((s.counts[i]!.get(v) ?? 0) + (s.self[i] ? 1 : 0) - s.minMatch(i) > c.maxSkew) return SKEW_EXCEEDED;
      }
      return SUCCESS;
    },
    preScore(state, pod, filtered) {
      const constraints = constraintsOf(pod.pod, "ScheduleAnyway");
      if (constraints.length === 0) return SKIP;
      const requireAll = !!pod.pod.spec?.topologySpreadConstraints?.length || !systemDefaulted;
      const ignored = new Set<string>();
      const counts = constraints.map(() => new Map<string, number>());
      for (const node of filtered) {
        if (requireAll && !hasAllKeys(node.labels, constraints)) {
          ignored.add(node.name);
          continue;
        }
        constraints.forEach((c, i) => {
          // Per-host counts are taken in Score.
          if (c.topologyKey !== HOSTNAME) counts[i]!.set(node.labels[c.topologyKey] ?? "", 0);
        });
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? filtered.length - ignored.size : counts[i]!.size) + 2));
      const required = requiredNodeSelector(pod.pod);
      constraints.forEach((c, i) => {
        if (c.topologyKey === HOSTNAME) return;
        const domains = counts[i]!;
        for (const g of groups.labelGroups(pod.namespace)) {
          if (g.terminating || !c.selector.matches(g.labels)) continue;
          for (const [node, n] of g.nodes) {
            if (!node.node || (requireAll && !hasAllKeys(node.labels, constraints)) || !includes(c, pod.pod, node, required)) continue;
            const v = node.labels[c.topologyKey] ?? "";
            const cur = domains.get(v);
            if (cur !== undefined) domains.set(v, cur + n);
          }
        }
      });
      state.write(SCORE_KEY, new ScoreState(constraints, ignored, counts, weights));
      return SUCCESS;
    },
    score(state, pod, nodes, out) {
      const s = state.read<ScoreState>(SCORE_KEY)!;
      for (let n = 0; n < nodes.length; n++) {
        const node = nodes[n]!;
        if (s.ignored.has(node.name)) {
          out[n] = 0;
          continue;
        }
        let score = 0;
        for (let i = 0; i < s.constraints.length; i++) {
          const c = s.constraints[i]!;
          const v = node.labels[c.topologyKey];
          if (v === undefined) continue;
          const cnt = c.topologyKey === HOSTNAME ? countMatching(node, c.selector, pod.namespace) : s.counts[i]!.get(v)!;
          score += cnt * s.weights[i]! + (c.maxSkew - 1);
        }
        out[n] = Math.round(score);
      }
    },
    normalizeScore(state, _pod, scores, nodes) {
      const s = state.read<ScoreState>(SCORE_KEY)!;
      let min = Infinity;
      let max = 0;
      for (let i = 0; i < nodes.length; i++) {
        if (s.ignored.has(nodes[i]!.name)) continue;
        min = Math.min(min, scores[i]!);
        max = Math.max(max, scores[i]!);
      }
      for (let i = 0; i < nodes.length; i++) {
        if (s.ignored.has(nodes[i]!.name)) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      }
    },
    events: () => [
      { event: { resource: "AssignedPod", actions: Action.Add | Action.UpdatePodLabel | Action.Delete }, hint: (pod, o, n) => podChangeMatters(pod, (o ?? n) as Pod, n as Pod | undefined, constraintsOf) },
      { event: { resource: "Node", actions: Action.Add | Action.Delete | Action.UpdateNodeLabel | Action.UpdateNodeTaint } },
    ],
  };
}

function update(s: FilterState | undefined, pod: PodInfo, changed: PodInfo, node: NodeInfo, delta: number): void {
  if (!s || changed.namespace !== pod.namespace || !hasAllKeys(node.labels, s.constraints)) return;
  s.constraints.forEach((c, i) => {
    if (c.selector.matches(changed.pod.metadata?.labels) && includes(c, pod.pod, node, s.required)) s.add(i, node.labels[c.topologyKey]!, delta);
  });
}

/** Only a pod in the same namespace that one of the pending pod's constraints selects can change its counts. */
function podChangeMatters(pending: Pod, before: Pod, after: Pod | undefined, constraintsOf: (pod: Pod, when: string) => Constraint[]): boolean {
  if (before.metadata?.namespace !== pending.metadata?.namespace) return false;
  try {
    return constraintsOf(pending, "DoNotSchedule").some((c) => c.selector.matches(before.metadata?.labels) || (after !== undefined && c.selector.matches(after.metadata?.labels)));
  } catch {
    return true;
  }
}

function compile(c: TopologySpreadConstraint, selector: LabelMatcher | undefined): Constraint {
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector: selector ?? labelSelectorMatcher(undefined),
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
    honorTaints: (c.nodeTaintsPolicy ?? "Ignore") === "Honor",
  };
}

/** matchLabelKeys: the pod's own values for those keys are ANDed into the selector. */
function withMatchLabelKeys(c: TopologySpreadConstraint, pod: Pod): LabelSelector {
  const sel = c.labelSelector ?? {};
  const labels = pod.metadata?.labels ?? {};
  const extra = (c.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k) => ({ key: k, operator: "In", values: [labels[k]!] }));
  return extra.length ? { matchLabels: sel.matchLabels, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] } : sel;
}

function andKeys(selector: LabelMatcher, c: TopologySpreadConstraint, pod: Pod): LabelMatcher {
  const keys = labelSelectorMatcher(withMatchLabelKeys({ ...c, labelSelector: {} }, pod));
  return { ...selector, matches: (l) => selector.matches(l) && keys.matches(l) };
}
