// One node as the scheduler sees it: the Node and the pods on it (bound or assumed), with the aggregates every
// decision reads (requested resources, host ports, pod count) kept up to date as pods come and go. The numbers
// read for every node in every cycle are plain fields of this one object, so a node costs one memory fetch.
import type { Node, Taint } from "kubernetes-types/core/v1";
import type { PodInfo } from "./pod-info.ts";
import { fromResourceList, milliValue, value } from "./resources.ts";
import { HostPortSet } from "./host-ports.ts";

const NO_TAINTS: readonly Taint[] = Object.freeze([]);
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

export class NodeInfo {
  readonly name: string;
  unschedulable = false;
  podCount = 0;
  allowedPods = 0;
  allocatableCPU = 0;
  allocatableMemory = 0;
  allocatableEphemeral = 0;
  requestedCPU = 0;
  requestedMemory = 0;
  requestedEphemeral = 0;
  /** cpu and memory with upstream's defaults for pods that request none, for spreading by load. */
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  /** Shared empty array when the node has no taints. */
  taints: readonly Taint[] = NO_TAINTS;
  labels: Readonly<Record<string, string>> = NO_LABELS;
  /** Extended and other scalar resources, by name; undefined while there are none. */
  allocatableScalar: Map<string, number> | undefined;
  requestedScalar: Map<string, number> | undefined;
  node: Node | undefined;
  readonly pods = new Map<string, PodInfo>();
  usedPorts = new HostPortSet();
  /** Sizes of the images on the node, by normalized name (name:tag); the cache counts nodes per image. */
  images: ReadonlyMap<string, number> = new Map();

  constructor(name: string) {
    this.name = name;
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? NO_LABELS;
    this.taints = node.spec?.taints?.length ? node.spec.taints : NO_TAINTS;
    this.unschedulable = !!node.spec?.unschedulable;
    const a = node.status?.allocatable;
    const r = fromResourceList(a);
    this.allocatableCPU = milliValue(a?.cpu);
    this.allocatableMemory = r.memory;
    this.allocatableEphemeral = r.ephemeralStorage;
    this.allocatableScalar = r.scalar;
    this.allowedPods = value(a?.pods);
  }

  addPod(p: PodInfo): void {
    this.pods.set(p.key, p);
    this.podCount = this.pods.size;
    this.account(p, 1);
  }

  /** Removes the pod with this key; answers whether it was there. */
  removePod(key: string): boolean {
    const p = this.pods.get(key);
    if (!p) return false;
    this.pods.delete(key);
    this.podCount = this.pods.size;
    this.account(p, -1);
    return true;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    const r = p.requests;
    this.requestedCPU += sign * r.milliCPU;
    this.requestedMemory += sign * r.memory;
    this.requestedEphemeral += sign * r.ephemeralStorage;
    if (r.scalar) for (const [k, v] of r.scalar) (this.requestedScalar ??= new Map()).set(k, (this.requestedScalar.get(k) ?? 0) + sign * v);
    this.nonZeroCPU += sign * p.nonZeroCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) this.usedPorts.add(hp, sign);
  }

  /** A copy whose pods can be added and removed without touching this one (preemption's what-ifs). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatableCPU = this.allocatableCPU;
    c.allocatableMemory = this.allocatableMemory;
    c.allocatableEphemeral = this.allocatableEphemeral;
    c.allocatableScalar = this.allocatableScalar;
    c.allowedPods = this.allowedPods;
    c.images = this.images;
    for (const [k, p] of this.pods) c.pods.set(k, p);
    c.podCount = this.podCount;
    c.requestedCPU = this.requestedCPU;
    c.requestedMemory = this.requestedMemory;
    c.requestedEphemeral = this.requestedEphemeral;
    c.requestedScalar = this.requestedScalar && new Map(this.requestedScalar);
    c.nonZeroCPU = this.nonZeroCPU;
    c.nonZeroMemory = this.nonZeroMemory;
    c.usedPorts = this.usedPorts.clone();
    return c;
  }
}
