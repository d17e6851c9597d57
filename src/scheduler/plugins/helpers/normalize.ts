// Upstream's DefaultNormalizeScore: scale to 0..100 by the highest score (integer division), optionally reversed so
// that fewer is better.
import type { NodeInfo } from "../../node-info.ts";
import { MAX_NODE_SCORE } from "../../framework.ts";

export function defaultNormalize(scores: Float64Array, nodes: readonly NodeInfo[], reverse: boolean): void {
  const n = nodes.length;
  let max = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE, 0, n);
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
