// Filter: a node's NoSchedule and NoExecute taints must all be tolerated. Score: fewer untolerated
// PreferNoSchedule taints is better.
import type { Node, Toleration } from "kubernetes-types/core/v1";
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from "../plugin.ts";
import type { StateData } from "../cycle-state.ts";
import { Action } from "../cluster-event.ts";
import { SUCCESS, unresolvable } from "../status.ts";
import { firstUntolerated, isNoScheduleOrNoExecute, toleratedBy } from "./helpers/tolerations.ts";
import { defaultNormalize } from "./helpers/normalize.ts";

const NAME = "TaintToleration";

class PreferNoScheduleTolerations implements StateData {
  readonly tolerations: Toleration[];
  constructor(tolerations: Toleration[]) {
    this.tolerations = tolerations;
  }
  clone(): StateData {
    return this;
  }
}

export const taintToleration = (): FilterPlugin & PreScorePlugin & ScorePlugin => ({
  name: NAME,
  filter(_state, pod, node) {
    if (node.taints.length === 0) return SUCCESS;
    const taint = firstUntolerated(node.taints, pod.pod.spec?.tolerations, isNoScheduleOrNoExecute);
    return taint ? unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`) : SUCCESS;
  },
  preScore(state, pod) {
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    state.write(NAME, new PreferNoScheduleTolerations(tolerations));
    return SUCCESS;
  },
  score(state, _pod, nodes, scores) {
    const { tolerations } = state.read<PreferNoScheduleTolerations>(NAME)!;
    for (let i = 0; i < nodes.length; i++) {
      let n = 0;
      for (const taint of nodes[i]!.taints) if (taint.effect === "PreferNoSchedule" && !toleratedBy(tolerations, taint)) n++;
      scores[i] = n;
    }
  },
  normalizeScore: (_state, _pod, scores, nodes) => defaultNormalize(scores, nodes, true),
  events: () => [{
    event: { resource: "Node", actions: Action.Add | Action.UpdateNodeTaint },
    hint: (pod, _old, node) => !firstUntolerated((node as Node | undefined)?.spec?.taints ?? [], pod.spec?.tolerations, isNoScheduleOrNoExecute),
  }],
});
