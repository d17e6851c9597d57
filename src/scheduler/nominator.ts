// Pods nominated to a node by preemption (status.nominatedNodeName): until they are bound, lower-or-equal
// priority pods must leave room for them on that node.
import type { PodInfo } from "./pod-info.ts";

export class Nominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeOf = new Map<string, string>();

  /** Records (or moves, or with no node drops) the pod's nomination. */
  set(pod: PodInfo, node: string | undefined): void {
    this.delete(pod.key);
    if (!node) return;
    this.nodeOf.set(pod.key, node);
    const list = this.byNode.get(node);
    if (list) list.push(pod);
    else this.byNode.set(node, [pod]);
  }

  delete(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const list = this.byNode.get(node)!.filter((p) => p.key !== key);
    if (list.length) this.byNode.set(node, list);
    else this.byNode.delete(node);
  }

  nominatedNode(key: string): string | undefined {
    return this.nodeOf.get(key);
  }

  podsOn(node: string): readonly PodInfo[] | undefined {
    return this.byNode.get(node);
  }

  get size(): number {
    return this.nodeOf.size;
  }
}
