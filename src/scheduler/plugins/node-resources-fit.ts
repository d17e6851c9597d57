// Filter: the node must have room for the pod's requests (cpu, memory, ephemeral storage, extended resources) and
// one more pod. Score: LeastAllocated (default) prefers emptier nodes, MostAllocated fuller ones,
// RequestedToCapacityRatio follows a configured utilization→score shape.
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from "../plugin.ts";
import type { StateData } from "../cycle-state.ts";
import { Action } from "../cluster-event.ts";
import { SUCCESS, unschedulable } from "../status.ts";
import { isExtendedResource } from "../resources.ts";
import { MAX_NODE_SCORE } from "../framework.ts";
import type { ResourceSpec } from "./helpers/resource-allocation.ts";
import { DEFAULT_RESOURCES, allocatableOf, podRequestFor, requestedWith, resourceReaders } from "./helpers/resource-allocation.ts";

const NAME = "NodeResourcesFit";

export interface UtilizationShapePoint {
  utilization: number;
  /** 0..10, scaled to 0..100. */
  score: number;
}

export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: "LeastAllocated" | "MostAllocated" | "RequestedToCapacityRatio";
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
  };
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

const leastAllocated = (requested: number, capacity: number): number =>
  capacity === 0 || requested > capacity ? 0 : Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);

const mostAllocated = (requested: number, capacity: number): number =>
  capacity === 0 ? 0 : Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);

/** Upstream's broken linear function over utilization 0..100. */
function brokenLinear(shape: UtilizationShapePoint[]): (utilization: number) => number {
  const pts = shape.map((p) => ({ u: p.utilization, s: p.score * (MAX_NODE_SCORE / 10) }));
  return (u) => {
    for (let i = 0; i < pts.length; i++) {
      if (u <= pts[i]!.u) {
        if (i === 0) return pts[0]!.s;
        const a = pts[i - 1]!;
        const b = pts[i]!;
        return a.s + Math.trunc(((b.s - a.s) * (u - a.u)) / (b.u - a.u));
      }
    }
    return pts[pts.length - 1]!.s;
  };
}

export function nodeResourcesFit(rawArgs: NodeResourcesFitArgs | undefined): FilterPlugin & PreScorePlugin & ScorePlugin {
  const ignored = new Set(rawArgs?.ignoredResources ?? []);
  const ignoredGroups = new Set(rawArgs?.ignoredResourceGroups ?? []);
  const strategy = rawArgs?.scoringStrategy?.type ?? "LeastAllocated";
  const resources = resourceReaders(rawArgs?.scoringStrategy?.resources ?? DEFAULT_RESOURCES);
  const ratio = strategy === "RequestedToCapacityRatio";
  let perResource: (requested: number, capacity: number) => number;
  if (ratio) {
    const shape = rawArgs?.scoringStrategy?.requestedToCapacityRatio?.shape;
    if (!shape?.length) throw new Error(`${NAME}: RequestedToCapacityRatio needs a shape`);
    const f = brokenLinear(shape);
    perResource = (r, c) => f(c === 0 || r > c ? 100 : Math.trunc((r * 100) / c));
  } else if (strategy === "MostAllocated") {
    perResource = mostAllocated;
  } else if (strategy === "LeastAllocated") {
    perResource = leastAllocated;
  } else {
    throw new Error(`${NAME}: unknown scoring strategy ${JSON.stringify(strategy)}`);
  }

  const skipScalar = (name: string): boolean =>
    isExtendedResource(name) && (ignored.has(name) || (ignoredGroups.size > 0 && ignoredGroups.has(name.split("/")[0]!)));

  return {
    name: NAME,
    filter(_state, pod, node) {
      const req = pod.requests;
      let reasons: string[] | undefined;
      if (node.podCount + 1 > node.allowedPods) (reasons ??= []).push("Too many pods");
      if (req.milliCPU > 0 && req.milliCPU > node.allocatableCPU - node.requestedCPU) (reasons ??= []).push("Insufficient cpu");
      if (req.memory > 0 && req.memory > node.allocatableMemory - node.requestedMemory) (reasons ??= []).push("Insufficient memory");
      if (req.ephemeralStorage > 0 && req.ephemeralStorage > node.allocatableEphemeral - node.requestedEphemeral) (reasons ??= []).push("Insufficient ephemeral-storage");
      if (req.scalar) {
        for (const [name, q] of req.scalar) {
          if (q === 0 || skipScalar(name)) continue;
          if (q > (node.allocatableScalar?.get(name) ?? 0) - (node.requestedScalar?.get(name) ?? 0)) (reasons ??= []).push(`Insufficient ${name}`);
        }
      }
      return reasons ? unschedulable(...reasons) : SUCCESS;
    },
    preScore(state, pod) {
      state.write(NAME, new PodRequests(Float64Array.from(resources, (r) => podRequestFor(pod, r, false))));
      return SUCCESS;
    },
    score(state, _pod, nodes, scores) {
      const amounts = state.read<PodRequests>(NAME)!.amounts;
      for (let n = 0; n < nodes.length; n++) {
        const node = nodes[n]!;
        let total = 0;
        let weights = 0;
        for (let i = 0; i < resources.length; i++) {
          const r = resources[i]!;
          const podRequest = amounts[i]!;
          const capacity = allocatableOf(node, r, podRequest);
          if (capacity === 0) continue;
          const s = perResource(requestedWith(node, r, podRequest, false), capacity);
          if (ratio && s <= 0) continue;
          total += s * r.weight;
          weights += r.weight;
        }
        scores[n] = weights === 0 ? 0 : ratio ? Math.round(total / weights) : Math.trunc(total / weights);
      }
    },
    events: () => [
      { event: { resource: "AssignedPod", actions: Action.Delete | Action.UpdatePodScaleDown } },
      { event: { resource: "Node", actions: Action.Add | Action.UpdateNodeAllocatable } },
    ],
  };
}
