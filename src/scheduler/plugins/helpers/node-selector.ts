// Matching nodes against a pod's nodeSelector and required node affinity (and preferred terms), compiled once per
// pod. Terms are ORed, the expressions and fields within a term ANDed; a term with neither matches nothing, and a
// term that does not parse matches nothing either, as upstream.
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from "kubernetes-types/core/v1";

type Matcher = (labels: Readonly<Record<string, string>>, name: string) => boolean;

const NEVER: Matcher = () => false;
const INTEGER = /^[+-]?\d+$/;

function requirement(r: NodeSelectorRequirement, field: boolean): Matcher {
  const key = r.key;
  const values = r.values ?? [];
  const get = field ? (_l: Readonly<Record<string, string>>, name: string) => (key === "metadata.name" ? name : undefined) : (l: Readonly<Record<string, string>>) => l[key];
  // Malformed requirements make the whole term fail, as upstream's lazy parse errors do.
  if ((r.operator === "In" || r.operator === "NotIn") && (field ? values.length !== 1 : values.length === 0)) return NEVER;
  if ((r.operator === "Exists" || r.operator === "DoesNotExist") && values.length) return NEVER;
  switch (r.operator) {
    case "In": return (l, n) => { const v = get(l, n); return v !== undefined && values.includes(v); };
    case "NotIn": return (l, n) => { const v = get(l, n); return v === undefined || !values.includes(v); };
    case "Exists": return field ? NEVER : (l) => Object.hasOwn(l, key);
    case "DoesNotExist": return field ? NEVER : (l) => !Object.hasOwn(l, key);
    case "Gt": case "Lt": {
      if (field || values.length !== 1 || !INTEGER.test(values[0]!)) return NEVER;
      const bound = Number(values[0]);
      const gt = r.operator === "Gt";
      return (l) => { const v = l[key]; return v !== undefined && INTEGER.test(v) && (gt ? Number(v) > bound : Number(v) < bound); };
    }
    default: return NEVER;
  }
}

function term(t: NodeSelectorTerm): Matcher {
  const fieldReqs = t.matchFields ?? [];
  if (fieldReqs.some((r) => r.key !== "metadata.name" || (r.operator !== "In" && r.operator !== "NotIn"))) return NEVER;
  const reqs = [...(t.matchExpressions ?? []).map((r) => requirement(r, false)), ...fieldReqs.map((r) => requirement(r, true))];
  if (reqs.length === 0) return NEVER;
  return (l, n) => {
    for (const m of reqs) if (!m(l, n)) return false;
    return true;
  };
}

/** Compiles required terms; undefined means "any node". */
export function compileTerms(terms: readonly NodeSelectorTerm[] | undefined): Matcher | undefined {
  if (!terms) return undefined;
  const ms = terms.map(term);
  return (l, n) => ms.some((m) => m(l, n));
}

export interface RequiredNodeSelector {
  matches(labels: Readonly<Record<string, string>>, nodeName: string): boolean;
}

/** The pod's nodeSelector and required node affinity together (both must hold). */
export function requiredNodeSelector(pod: Pod): RequiredNodeSelector | undefined {
  const selector = pod.spec?.nodeSelector;
  const selectorEntries = selector ? Object.entries(selector) : [];
  const affinity = compileTerms(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
  if (selectorEntries.length === 0 && !affinity) return undefined;
  return {
    matches(labels, nodeName) {
      for (const [k, v] of selectorEntries) if (labels[k] !== v) return false;
      return !affinity || affinity(labels, nodeName);
    },
  };
}

export interface PreferredTerm {
  weight: number;
  matches: Matcher;
}

export const compilePreferred = (terms: readonly PreferredSchedulingTerm[] | undefined): PreferredTerm[] =>
  (terms ?? []).filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, matches: term(t.preference) }));
