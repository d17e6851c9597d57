// The scheduler's view of the cluster: nodes and the pods on them, including pods it has assumed onto a node
// while their binding is in flight, so two decisions never count the same free capacity. Informer events keep
// it current; the node list is kept in upstream's zone-interleaved order so that sampling a prefix of it sees
// every zone.
import type { Node, Pod } from "kubernetes-types/core/v1";
import { NodeInfo } from "./node-info.ts";
import type { PodInfo } from "./pod-info.ts";
import { PodGroups } from "./pod-groups.ts";

interface PodState {
  info: PodInfo;
  node: string;
  /** Placed by this scheduler, binding not yet seen through the watch. */
  assumed: boolean;
}

const ZONE_LABELS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
const REGION_LABELS = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"];

const firstLabel = (labels: Record<string, string> | undefined, keys: string[]): string => {
  for (const k of keys) if (labels?.[k]) return labels[k];
  return "";
};
const zoneOf = (node: Node): string => `${firstLabel(node.metadata?.labels, REGION_LABELS)}:\0:${firstLabel(node.metadata?.labels, ZONE_LABELS)}`;

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/** Upstream's image name normalization: a name without tag or digest means :latest. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(":") <= name.lastIndexOf("/") ? `${name}:latest` : name;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private readonly imageNodes = new Map<string, number>();
  /** Zones in first-seen order with their nodes, the source of the interleaved list. */
  private readonly zones = new Map<string, Set<string>>();
  private readonly nodeZone = new Map<string, string>();
  private list: NodeInfo[] | undefined;
  /** The pods grouped by labels and by affinity term, for selectors that look across the cluster. */
  readonly groups = new PodGroups();
  /** Changes whenever a node is added or removed or its labels change, so derived domain lists can be reused. */
  nodeLabelsVersion = 0;

  /** Nodes that exist, zone-interleaved. The array is shared: callers must not change it. */
  nodeList(): readonly NodeInfo[] {
    if (!this.list) {
      const list: NodeInfo[] = [];
      const iters = [...this.zones.values()].map((s) => s.values());
      while (iters.length) {
        for (let i = 0; i < iters.length; i++) {
          const next = iters[i]!.next();
          if (next.done) iters.splice(i--, 1);
          else list.push(this.nodes.get(next.value)!);
        }
      }
      this.list = list;
    }
    return this.list;
  }

  get nodeCount(): number {
    return this.nodeZone.size;
  }

  node(name: string): NodeInfo | undefined {
    const n = this.nodes.get(name);
    return n?.node ? n : undefined;
  }

  imageNodeCount(image: string): number {
    return this.imageNodes.get(image) ?? 0;
  }

  /** Adds or updates a node. */
  setNode(node: Node): void {
    const name = node.metadata!.name!;
    let info = this.nodes.get(name);
    if (!info) this.nodes.set(name, (info = new NodeInfo(name)));
    if (!info.node || !sameLabels(info.labels, node.metadata?.labels ?? {})) this.nodeLabelsVersion++;
    info.setNode(node);
    this.setImages(info, node);
    const zone = zoneOf(node);
    const old = this.nodeZone.get(name);
    if (old !== zone) {
      if (old !== undefined) this.leaveZone(name, old);
      let set = this.zones.get(zone);
      if (!set) this.zones.set(zone, (set = new Set()));
      set.add(name);
      this.nodeZone.set(name, zone);
      this.list = undefined;
    }
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info?.node) return;
    const zone = this.nodeZone.get(name);
    if (zone !== undefined) this.leaveZone(name, zone);
    this.nodeZone.delete(name);
    this.list = undefined;
    this.nodeLabelsVersion++;
    for (const img of info.images.keys()) this.countImage(img, -1);
    info.images = new Map();
    info.node = undefined;
    // Pods still bound to a deleted node keep their place until they are deleted too.
    if (info.pods.size === 0) this.nodes.delete(name);
  }

  private leaveZone(name: string, zone: string): void {
    const set = this.zones.get(zone)!;
    set.delete(name);
    if (set.size === 0) this.zones.delete(zone);
  }

  private setImages(info: NodeInfo, node: Node): void {
    const images = new Map<string, number>();
    for (const img of node.status?.images ?? []) for (const n of img.names ?? []) images.set(normalizedImageName(n), img.sizeBytes ?? 0);
    for (const img of info.images.keys()) if (!images.has(img)) this.countImage(img, -1);
    for (const img of images.keys()) if (!info.images.has(img)) this.countImage(img, 1);
    info.images = images;
  }

  private countImage(img: string, d: number): void {
    const n = (this.imageNodes.get(img) ?? 0) + d;
    if (n > 0) this.imageNodes.set(img, n);
    else this.imageNodes.delete(img);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  /** Where the cache has the pod (bound or assumed), if anywhere. */
  nodeOf(key: string): string | undefined {
    return this.pods.get(key)?.node;
  }

  /** Places a pod on a node before its binding is confirmed. */
  assume(info: PodInfo, node: string): void {
    if (this.pods.has(info.key)) throw new Error(`pod ${info.key} is already in the cache`);
    this.place(info, node, true);
  }

  /** Undoes assume() after a failed binding. */
  forget(key: string): void {
    const st = this.pods.get(key);
    if (st?.assumed) this.remove(key);
  }

  /**
   * The binding of an assumed pod came back and the pod is otherwise as it was when placed (`previousVersion` is
   * the resourceVersion before the binding): the placed PodInfo stays, now pointing at the bound object. Answers
   * false when that does not hold and the pod must be set anew.
   */
  confirm(key: string, bound: Pod, previousVersion: string | undefined): boolean {
    const st = this.pods.get(key);
    if (!st?.assumed || st.node !== bound.spec?.nodeName || previousVersion === undefined || st.info.pod.metadata?.resourceVersion !== previousVersion) return false;
    st.assumed = false;
    this.replaceObject(key, bound);
    return true;
  }

  /** Points a cached pod at a newer object whose changes do not matter to scheduling (e.g. status). */
  replaceObject(key: string, pod: Pod): void {
    const st = this.pods.get(key);
    if (!st) return;
    st.info = { ...st.info, pod };
    this.nodes.get(st.node)!.pods.set(key, st.info);
  }

  /** A bound pod, as the informer reports it (also confirms an assumed one). */
  setPod(info: PodInfo, node: string): void {
    if (this.pods.has(info.key)) this.remove(info.key);
    this.place(info, node, false);
  }

  removePod(key: string): void {
    if (this.pods.has(key)) this.remove(key);
  }

  private place(info: PodInfo, nodeName: string, assumed: boolean): void {
    let node = this.nodes.get(nodeName);
    if (!node) this.nodes.set(nodeName, (node = new NodeInfo(nodeName)));
    node.addPod(info);
    this.groups.add(info, node);
    this.pods.set(info.key, { info, node: nodeName, assumed });
  }

  private remove(key: string): void {
    const st = this.pods.get(key)!;
    this.pods.delete(key);
    const node = this.nodes.get(st.node)!;
    this.groups.remove(st.info, node);
    node.removePod(key);
    if (!node.node && node.pods.size === 0) this.nodes.delete(node.name);
  }
}
