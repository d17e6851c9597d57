// The node/pod amounts the resource scorers compare, as upstream's resourceAllocationScorer reads them: cpu and
// memory either as requested or with defaults for containers that request nothing; a scalar resource the pod
// does not ask for is left out of the score.
import type { NodeInfo } from "../../node-info.ts";
import type { PodInfo } from "../../pod-info.ts";
import { isScalarResource } from "../../resources.ts";

export interface ResourceSpec {
  name: string;
  weight: number;
}

export const DEFAULT_RESOURCES: ResourceSpec[] = [{ name: "cpu", weight: 1 }, { name: "memory", weight: 1 }];

/** One configured resource, resolved to how it is read (kinds are small integers so the hot loop switches cheaply). */
export interface ResourceReader {
  readonly name: string;
  readonly weight: number;
  readonly kind: 0 | 1 | 2 | 3;
}

const CPU = 0;
const MEMORY = 1;
const EPHEMERAL = 2;

export const resourceReaders = (specs: readonly ResourceSpec[]): ResourceReader[] =>
  specs.map((r) => ({ name: r.name, weight: r.weight, kind: r.name === "cpu" ? CPU : r.name === "memory" ? MEMORY : r.name === "ephemeral-storage" ? EPHEMERAL : 3 }));

export function podRequestFor(pod: PodInfo, r: ResourceReader, useRequested: boolean): number {
  switch (r.kind) {
    case CPU: return useRequested ? pod.requests.milliCPU : pod.nonZeroCPU;
    case MEMORY: return useRequested ? pod.requests.memory : pod.nonZeroMemory;
    case EPHEMERAL: return pod.requests.ephemeralStorage;
    default: return pod.requests.scalar?.get(r.name) ?? 0;
  }
}

/** The node's allocatable amount of the resource (0: leave it out of the score). */
export function allocatableOf(node: NodeInfo, r: ResourceReader, podRequest: number): number {
  switch (r.kind) {
    case CPU: return node.allocatableCPU;
    case MEMORY: return node.allocatableMemory;
    case EPHEMERAL: return node.allocatableEphemeral;
    default: return podRequest === 0 && isScalarResource(r.name) ? 0 : (node.allocatableScalar?.get(r.name) ?? 0);
  }
}

/** What the node would have requested with the pod on it. */
export function requestedWith(node: NodeInfo, r: ResourceReader, podRequest: number, useRequested: boolean): number {
  switch (r.kind) {
    case CPU: return (useRequested ? node.requestedCPU : node.nonZeroCPU) + podRequest;
    case MEMORY: return (useRequested ? node.requestedMemory : node.nonZeroMemory) + podRequest;
    case EPHEMERAL: return node.requestedEphemeral + podRequest;
    default: return (node.requestedScalar?.get(r.name) ?? 0) + podRequest;
  }
}
