// One node as the scheduler sees it: the Node and the pods on it (bound or assumed), with the aggregates every
// decision reads (requested resources, host ports, affinity pods) kept up to date as pods come and go.
import type { Node, Taint } from "kubernetes-types/core/v1";
import type { PodInfo } from "./pod-info.ts";
import { hasAffinity } from "./pod-info.ts";
import type { Resources } from "./resources.ts";
import { addResources, cloneResources, emptyResources, fromResourceList, value } from "./resources.ts";
import { HostPortSet } from "./host-ports.ts";

const NO_TAINTS: readonly Taint[] = Object.freeze([]);
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

export class NodeInfo {
  readonly name: string;
  node: Node | undefined;
  labels: Readonly<Record<string, string>> = NO_LABELS;
  taints: readonly Taint[] = NO_TAINTS;
  unschedulable = false;
  allocatable: Resources = emptyResources();
  allowedPods = 0;
  /** Sizes of the images on the node, by normalized name (name:tag); the cache counts nodes per image. */
  images: ReadonlyMap<string, number> = new Map();

  readonly pods = new Map<string, PodInfo>();
  /** pods.size, as a plain field: the resource filter reads it for every node. */
  podCount = 0;
  requested: Resources = emptyResources();
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  usedPorts = new HostPortSet();
  /** Pods with any pod (anti-)affinity, and those with required anti-affinity (which constrain newcomers). */
  podsWithAffinity = new Set<PodInfo>();
  podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Bumped on every change, so per-node results can be cached against it. */
  generation = 0;

  constructor(name: string) {
    this.name = name;
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? NO_LABELS;
    this.taints = node.spec?.taints ?? NO_TAINTS;
    this.unschedulable = !!node.spec?.unschedulable;
    this.allocatable = fromResourceList(node.status?.allocatable);
    this.allowedPods = value(node.status?.allocatable?.pods);
    this.generation++;
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
    addResources(this.requested, p.requests, sign);
    this.nonZeroCPU += sign * p.nonZeroCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) this.usedPorts.add(hp, sign);
    if (hasAffinity(p)) {
      if (sign > 0) this.podsWithAffinity.add(p);
      else this.podsWithAffinity.delete(p);
    }
    if (p.requiredAntiAffinity.length) {
      if (sign > 0) this.podsWithRequiredAntiAffinity.add(p);
      else this.podsWithRequiredAntiAffinity.delete(p);
    }
    this.generation++;
  }

  /** A copy whose pods can be added and removed without touching this one (preemption's what-ifs). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatable = this.allocatable;
    c.allowedPods = this.allowedPods;
    c.images = this.images;
    for (const [k, p] of this.pods) c.pods.set(k, p);
    c.podCount = this.podCount;
    c.requested = cloneResources(this.requested);
    c.nonZeroCPU = this.nonZeroCPU;
    c.nonZeroMemory = this.nonZeroMemory;
    c.usedPorts = this.usedPorts.clone();
    c.podsWithAffinity = new Set(this.podsWithAffinity);
    c.podsWithRequiredAntiAffinity = new Set(this.podsWithRequiredAntiAffinity);
    c.generation = this.generation;
    return c;
  }
}
