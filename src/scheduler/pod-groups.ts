// Pods on nodes, grouped so that a selector is tested once per group instead of once per pod: by namespace and
// labels (replicas of one workload share both), and — for pods with (anti-)affinity — by identical term. Each
// group knows how many of its pods run on each node. Kept current by the cache as pods come and go.
import type { AffinityTerm } from "./affinity-term.ts";
import type { PodInfo } from "./pod-info.ts";
import type { NodeInfo } from "./node-info.ts";

export interface LabelGroup {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Pods being deleted: spreading ignores them, affinity does not. */
  readonly terminating: boolean;
  /** Node -> number of the group's pods on it (nodes without a Node object included; callers skip them). */
  readonly nodes: Map<NodeInfo, number>;
  /** Bumped on every change, so results derived from the group can be cached against it. */
  changes: number;
}

export type TermKind = "requiredAffinity" | "requiredAntiAffinity" | "preferredAffinity" | "preferredAntiAffinity";
const TERM_KINDS: readonly TermKind[] = ["requiredAffinity", "requiredAntiAffinity", "preferredAffinity", "preferredAntiAffinity"];

export interface TermGroup {
  readonly term: AffinityTerm;
  readonly nodes: Map<NodeInfo, number>;
}

function termKey(t: AffinityTerm): string {
  const sel = (m: { empty: boolean; toString(): string }) => (m.empty ? "*" : m.toString());
  return `${t.weight}|${t.topologyKey}|${[...t.namespaces].sort().join(",")}|${t.allNamespaces}|${t.namespaceSelector ? sel(t.namespaceSelector) : ""}|${sel(t.selector)}`;
}

function bump<G extends { nodes: Map<NodeInfo, number>; changes?: number }>(groups: Map<string, G>, key: string, node: NodeInfo, delta: number, make: () => G): void {
  let g = groups.get(key);
  if (!g) {
    if (delta < 0) return;
    groups.set(key, (g = make()));
  }
  if (g.changes !== undefined) g.changes++;
  const n = (g.nodes.get(node) ?? 0) + delta;
  if (n > 0) g.nodes.set(node, n);
  else g.nodes.delete(node);
  if (g.nodes.size === 0) groups.delete(key);
}

export class PodGroups {
  private readonly byNamespace = new Map<string, Map<string, LabelGroup>>();
  private readonly terms: Record<TermKind, Map<string, TermGroup>> = {
    requiredAffinity: new Map(), requiredAntiAffinity: new Map(), preferredAffinity: new Map(), preferredAntiAffinity: new Map(),
  };

  labelGroups(namespace: string): Iterable<LabelGroup> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  *allLabelGroups(): Iterable<LabelGroup> {
    for (const groups of this.byNamespace.values()) yield* groups.values();
  }

  termGroups(kind: TermKind): Iterable<TermGroup> {
    return this.terms[kind].values();
  }

  hasTerms(kind: TermKind): boolean {
    return this.terms[kind].size > 0;
  }

  add(p: PodInfo, node: NodeInfo): void {
    this.update(p, node, 1);
  }

  remove(p: PodInfo, node: NodeInfo): void {
    this.update(p, node, -1);
  }

  private update(p: PodInfo, node: NodeInfo, delta: number): void {
    let groups = this.byNamespace.get(p.namespace);
    if (!groups) this.byNamespace.set(p.namespace, (groups = new Map()));
    const terminating = !!p.pod.metadata?.deletionTimestamp;
    bump(groups, p.groupKey, node, delta, () => ({ namespace: p.namespace, labels: p.pod.metadata?.labels ?? {}, terminating, nodes: new Map(), changes: 0 }));
    if (groups.size === 0) this.byNamespace.delete(p.namespace);
    for (const kind of TERM_KINDS) {
      for (const t of p[kind]) bump(this.terms[kind], termKey(t), node, delta, () => ({ term: t, nodes: new Map() }));
    }
  }
}
