// A pod (anti-)affinity term parsed once per pod: which namespaces it looks at, which pods it selects there, and
// the node label that names the topology domain. Upstream's semantics: no namespaces and no namespaceSelector
// mean the pod's own namespace; an empty namespaceSelector means every namespace.
import type { PodAffinityTerm, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import { labelSelectorMatcher } from "../api/selectors/labels.ts";
import type { LabelMatcher } from "../api/selectors/labels.ts";

export interface AffinityTerm {
  readonly topologyKey: string;
  readonly selector: LabelMatcher;
  readonly namespaces: ReadonlySet<string>;
  /** True when the namespaceSelector is empty: every namespace. */
  readonly allNamespaces: boolean;
  /** A non-empty namespaceSelector, matched against namespace labels. */
  readonly namespaceSelector: LabelMatcher | undefined;
  readonly weight: number;
}

export function parseTerm(term: PodAffinityTerm, podNamespace: string, weight = 1): AffinityTerm {
  const namespaces = new Set(term.namespaces ?? []);
  let allNamespaces = false;
  let namespaceSelector: LabelMatcher | undefined;
  if (term.namespaceSelector) {
    const m = labelSelectorMatcher(term.namespaceSelector);
    if (m.empty) allNamespaces = true;
    else namespaceSelector = m;
  } else if (namespaces.size === 0) {
    namespaces.add(podNamespace);
  }
  return { topologyKey: term.topologyKey, selector: labelSelectorMatcher(term.labelSelector), namespaces, allNamespaces, namespaceSelector, weight };
}

export const parseTerms = (terms: PodAffinityTerm[] | undefined, ns: string): AffinityTerm[] => (terms ?? []).map((t) => parseTerm(t, ns));

export const parseWeightedTerms = (terms: WeightedPodAffinityTerm[] | undefined, ns: string): AffinityTerm[] =>
  (terms ?? []).map((t) => parseTerm(t.podAffinityTerm, ns, t.weight));

/**
 * Does the term select a pod in `namespace` with `labels`? `nsLabels` are that namespace's labels, when the term
 * needs them.
 */
export function termMatches(t: AffinityTerm, namespace: string, labels: Readonly<Record<string, string>> | undefined, nsLabels: Record<string, string> | undefined): boolean {
  if (!(t.allNamespaces || t.namespaces.has(namespace) || (t.namespaceSelector !== undefined && nsLabels !== undefined && t.namespaceSelector.matches(nsLabels)))) return false;
  return t.selector.matches(labels);
}

/** Replaces a namespaceSelector by the namespaces it selects now (done for the incoming pod's own terms). */
export function resolveNamespaces(t: AffinityTerm, namespaceLabels: (selector: LabelMatcher) => string[]): AffinityTerm {
  if (!t.namespaceSelector) return t;
  return { ...t, namespaces: new Set([...t.namespaces, ...namespaceLabels(t.namespaceSelector)]), namespaceSelector: undefined };
}
