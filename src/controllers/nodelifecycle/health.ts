// When each node was last heard from, as this controller saw it: the moment it noticed a new Ready heartbeat or a
// renewed Lease (local time, so clock skew between kubelet and controller does not matter). A node first seen
// counts as heard from now, or — if it never posted a Ready condition — at its creation, with the longer startup
// grace period.
import type { Node } from "kubernetes-types/core/v1";
import type { Lease } from "kubernetes-types/coordination/v1";

interface Seen {
  heartbeat: string | undefined;
  renewTime: string | undefined;
  probeAt: number;
}

export interface Health {
  /** When the node was last heard from (ms). */
  probeAt: number;
  /** Whether the node has never posted a Ready condition. */
  starting: boolean;
}

export const readyCondition = (node: Node) => node.status?.conditions?.find((c) => c.type === "Ready");

export class NodeHealthTracker {
  private readonly seen = new Map<string, Seen>();

  observe(node: Node, lease: Lease | undefined, now: number): Health {
    const name = node.metadata!.name!;
    const ready = readyCondition(node);
    const heartbeat = ready?.lastHeartbeatTime;
    const renewTime = lease?.spec?.renewTime;
    const prev = this.seen.get(name);
    let probeAt: number;
    if (!prev) probeAt = ready ? now : Date.parse(node.metadata?.creationTimestamp ?? "") || now;
    else if (heartbeat !== prev.heartbeat) probeAt = now;
    else probeAt = prev.probeAt;
    if (renewTime && (!prev?.renewTime || Date.parse(renewTime) > Date.parse(prev.renewTime))) probeAt = now;
    this.seen.set(name, { heartbeat, renewTime: renewTime ?? prev?.renewTime, probeAt });
    return { probeAt, starting: !ready };
  }

  /** Counts every node as heard from at `now`. */
  touchAll(now: number): void {
    for (const seen of this.seen.values()) seen.probeAt = now;
  }

  forget(name: string): void {
    this.seen.delete(name);
  }
}
