// How many feasible nodes to find before scoring (upstream's percentageOfNodesToScore): all of them in small
// clusters, otherwise a share that shrinks as the cluster grows (50% minus 1% per 125 nodes, at least 5%), and
// never fewer than 100.

const MIN_FEASIBLE_NODES = 100;
const MIN_PERCENTAGE = 5;

export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let p = percentage;
  if (p === 0) p = Math.max(MIN_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * p) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES);
}
