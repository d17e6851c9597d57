// Prefers nodes whose resources would be used evenly with the pod on them: 100 × (1 − the standard deviation of
// the requested/allocatable fractions).
import type { PreScorePlugin, ScorePlugin } from "../plugin.ts";
import type { StateData } from "../cycle-state.ts";
import { SUCCESS } from "../status.ts";
import { MAX_NODE_SCORE } from "../framework.ts";
import type { ResourceSpec } from "./helpers/resource-allocation.ts";
import { DEFAULT_RESOURCES, allocatableOf, podRequestFor, requestedWith, resourceReaders } from "./helpers/resource-allocation.ts";

const NAME = "NodeResourcesBalancedAllocation";

export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

class PodRequests implements StateData {
  readonly amounts: Float64Array;
  constructor(amounts: Float64Array) {
    this.amounts = amounts;
  }
  clone(): StateData {
    return this;
  }
}

export function balancedAllocation(rawArgs: BalancedAllocationArgs | undefined): PreScorePlugin & ScorePlugin {
  const resources = resourceReaders(rawArgs?.resources ?? DEFAULT_RESOURCES);
  const fractions = new Float64Array(resources.length);
  return {
    name: NAME,
    preScore(state, pod) {
      state.write(NAME, new PodRequests(Float64Array.from(resources, (r) => podRequestFor(pod, r, true))));
      return SUCCESS;
    },
    score(state, _pod, nodes, scores) {
      const amounts = state.read<PodRequests>(NAME)!.amounts;
      for (let j = 0; j < nodes.length; j++) {
        const node = nodes[j]!;
        let n = 0;
        let sum = 0;
        for (let i = 0; i < resources.length; i++) {
          const r = resources[i]!;
          const capacity = allocatableOf(node, r, amounts[i]!);
          if (capacity === 0) continue;
          const f = Math.min(1, requestedWith(node, r, amounts[i]!, true) / capacity);
          fractions[n++] = f;
          sum += f;
        }
        let std = 0;
        if (n === 2) {
          std = Math.abs((fractions[0]! - fractions[1]!) / 2);
        } else if (n > 2) {
          const mean = sum / n;
          let sq = 0;
          for (let i = 0; i < n; i++) sq += (fractions[i]! - mean) ** 2;
          std = Math.sqrt(sq / n);
        }
        scores[j] = Math.trunc((1 - std) * MAX_NODE_SCORE);
      }
    },
  };
}
