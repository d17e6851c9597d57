// Zone disruption, as upstream's node lifecycle controller judges it. Nodes are grouped into zones by their
// topology.kubernetes.io/region and /zone labels (nodes with neither share the "" zone). A zone with nodes of
// which none is Ready is in full disruption. When every zone is ("master disruption") the controller assumes the
// control plane has lost touch with the nodes rather than the nodes having failed: it removes the NoExecute
// not-ready/unreachable taints from every node and adds none until some node is Ready again, so nothing is
// evicted — which is what keeps a single-node cluster's pods alive while its node agent restarts.
//
// Upstream, a single zone in full disruption while others are healthy is evicted at the normal rate (its workload
// should move to the healthy zones), and a zone in partial disruption (more than two nodes and at least 55% of
// them not Ready) is tainted at a reduced rate, or not at all in small clusters. That rate limiting is left out
// here: outside master disruption every not-Ready node is tainted at once. Zone states are still tracked, so the
// limiter can be added on top of them.
import type { Node } from "kubernetes-types/core/v1";

export const ZONE_LABEL = "topology.kubernetes.io/zone";
export const REGION_LABEL = "topology.kubernetes.io/region";
const LEGACY_ZONE_LABEL = "failure-domain.beta.kubernetes.io/zone";
const LEGACY_REGION_LABEL = "failure-domain.beta.kubernetes.io/region";
/** Nodes with this label (any value) do not count toward their zone's state. */
export const EXCLUDE_DISRUPTION_LABEL = "node.kubernetes.io/exclude-disruption";

export type ZoneState = "Normal" | "PartialDisruption" | "FullDisruption";

/** The zone a node belongs to: region and zone together, "" for nodes with neither label. */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels[REGION_LABEL] ?? labels[LEGACY_REGION_LABEL] ?? "";
  const zone = labels[ZONE_LABEL] ?? labels[LEGACY_ZONE_LABEL] ?? "";
  return region || zone ? `${region}:\u0000:${zone}` : "";
}

export const excludedFromDisruption = (node: Node): boolean => node.metadata?.labels?.[EXCLUDE_DISRUPTION_LABEL] !== undefined;

/** A zone's state from how many of its nodes are Ready and how many are not (upstream's default threshold). */
export function zoneState(ready: number, notReady: number): ZoneState {
  if (ready === 0 && notReady > 0) return "FullDisruption";
  if (notReady > 2 && notReady / (ready + notReady) >= 0.55) return "PartialDisruption";
  return "Normal";
}

interface Member {
  zone: string;
  ready: boolean;
}

export interface DisruptionChange {
  /** Whether every zone is now in full disruption. */
  master: boolean;
  /** Whether that changed. */
  masterChanged: boolean;
  /** Zones whose state changed, with their new state ("Gone" when the zone has no nodes left). */
  zones: Map<string, ZoneState | "Gone">;
}

/**
 * Which nodes count as Ready in which zone, kept up to date one node at a time (each reconcile reports the node it
 * looked at), so judging the cluster costs a pass over zones, not over nodes.
 */
export class DisruptionTracker {
  private readonly members = new Map<string, Member>();
  private readonly counts = new Map<string, { ready: number; notReady: number }>();
  private readonly states = new Map<string, ZoneState>();
  private masterDisruption = false;

  /** Whether every zone is in full disruption, as of the last judge(). */
  get master(): boolean {
    return this.masterDisruption;
  }

  /** Records a node as Ready or not; nodes excluded from disruption checks are treated as gone. */
  set(node: Node, ready: boolean): void {
    const name = node.metadata!.name!;
    if (excludedFromDisruption(node)) return this.remove(name);
    const zone = zoneKey(node);
    const prev = this.members.get(name);
    if (prev && prev.zone === zone && prev.ready === ready) return;
    if (prev) this.count(prev, -1);
    const member = { zone, ready };
    this.members.set(name, member);
    this.count(member, 1);
  }

  remove(name: string): void {
    const prev = this.members.get(name);
    if (!prev) return;
    this.members.delete(name);
    this.count(prev, -1);
  }

  /** Recomputes zone states; answers what changed, or undefined when nothing did. */
  judge(): DisruptionChange | undefined {
    const zones = new Map<string, ZoneState | "Gone">();
    for (const [zone, c] of this.counts) {
      const state = zoneState(c.ready, c.notReady);
      if (this.states.get(zone) !== state) zones.set(zone, state);
      this.states.set(zone, state);
    }
    for (const zone of this.states.keys()) {
      if (this.counts.has(zone)) continue;
      this.states.delete(zone);
      zones.set(zone, "Gone");
    }
    // No zones at all (no nodes) is not a disruption.
    const master = this.states.size > 0 && [...this.states.values()].every((s) => s === "FullDisruption");
    const masterChanged = master !== this.masterDisruption;
    this.masterDisruption = master;
    return masterChanged || zones.size ? { master, masterChanged, zones } : undefined;
  }

  private count(m: Member, delta: 1 | -1): void {
    let c = this.counts.get(m.zone);
    if (!c) this.counts.set(m.zone, (c = { ready: 0, notReady: 0 }));
    if (m.ready) c.ready += delta;
    else c.notReady += delta;
    if (c.ready === 0 && c.notReady === 0) this.counts.delete(m.zone);
  }
}
