// Filter: the pod's nodeSelector and required node affinity (and the profile's addedAffinity) must match the node.
// Score: the sum of the weights of the preferred terms the node matches. A pod that pins nodes by name
// (matchFields metadata.name In) narrows the candidate nodes up front.
import type { Node, NodeAffinity } from "kubernetes-types/core/v1";
import type { FilterPlugin, PreFilterOutcome, PreFilterPlugin, PreScorePlugin, ScorePlugin } from "../plugin.ts";
import type { StateData } from "../cycle-state.ts";
import { Action } from "../cluster-event.ts";
import { SKIP, SUCCESS, unresolvable } from "../status.ts";
import type { PreferredTerm, RequiredNodeSelector } from "./helpers/node-selector.ts";
import { compilePreferred, compileTerms, requiredNodeSelector } from "./helpers/node-selector.ts";
import { defaultNormalize } from "./helpers/normalize.ts";
import type { PodInfo } from "../pod-info.ts";

const NAME = "NodeAffinity";
const NOT_MATCHED = unresolvable("node(s) didn't match Pod's node affinity/selector");
const NOT_ENFORCED = unresolvable("node(s) didn't match scheduler-enforced node affinity");
const SKIPPED: PreFilterOutcome = { status: SKIP };
const OK: PreFilterOutcome = { status: SUCCESS };

export interface NodeAffinityArgs {
  /** Applied to every pod of the profile on top of its own affinity. */
  addedAffinity?: NodeAffinity;
}

class Required implements StateData {
  readonly selector: RequiredNodeSelector | undefined;
  constructor(selector: RequiredNodeSelector | undefined) {
    this.selector = selector;
  }
  clone(): StateData {
    return this;
  }
}

class Preferred implements StateData {
  readonly terms: PreferredTerm[];
  constructor(terms: PreferredTerm[]) {
    this.terms = terms;
  }
  clone(): StateData {
    return this;
  }
}

/** Upstream's PreFilterResult: nodes named by every term's metadata.name In fields, when all terms name some. */
function namedNodes(pod: PodInfo): PreFilterOutcome {
  const terms = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return OK;
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== "metadata.name" || r.operator !== "In") continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    // A term without names admits any node: the terms are ORed.
    if (!termNames) return OK;
    if (termNames.size === 0) return { status: unresolvable("pod affinity terms conflict") };
    names = new Set([...(names ?? []), ...termNames]);
  }
  return { status: SUCCESS, nodeNames: names };
}

export function nodeAffinity(rawArgs: NodeAffinityArgs | undefined): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const added = rawArgs?.addedAffinity;
  const addedRequired = compileTerms(added?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
  const addedPreferred = compilePreferred(added?.preferredDuringSchedulingIgnoredDuringExecution);
  return {
    name: NAME,
    preFilter(state, pod) {
      const selector = requiredNodeSelector(pod.pod);
      if (!selector && !addedRequired) return SKIPPED;
      state.write(NAME, new Required(selector));
      return namedNodes(pod);
    },
    filter(state, _pod, node) {
      if (addedRequired && !addedRequired(node.labels, node.name)) return NOT_ENFORCED;
      const sel = state.read<Required>(NAME)?.selector;
      return !sel || sel.matches(node.labels, node.name) ? SUCCESS : NOT_MATCHED;
    },
    preScore(state, pod) {
      const terms = [...addedPreferred, ...compilePreferred(pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution)];
      if (terms.length === 0) return SKIP;
      state.write(`${NAME}/preferred`, new Preferred(terms));
      return SUCCESS;
    },
    score(state, _pod, nodes, scores) {
      const terms = state.read<Preferred>(`${NAME}/preferred`)!.terms;
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i]!;
        let sum = 0;
        for (const t of terms) if (t.matches(node.labels, node.name)) sum += t.weight;
        scores[i] = sum;
      }
    },
    normalizeScore: (_state, _pod, scores, nodes) => defaultNormalize(scores, nodes, false),
    events: () => [{
      event: { resource: "Node", actions: Action.Add | Action.UpdateNodeLabel },
      hint(pod, _old, obj) {
        const node = obj as Node | undefined;
        const labels = node?.metadata?.labels ?? {};
        const name = node?.metadata?.name ?? "";
        return !!node && (!addedRequired || addedRequired(labels, name)) && (requiredNodeSelector(pod)?.matches(labels, name) ?? true);
      },
    }],
  };
}
