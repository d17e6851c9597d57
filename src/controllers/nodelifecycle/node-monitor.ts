// Per node, one step at a time: a node silent past its grace period gets Unknown conditions; the not-ready or
// unreachable taints follow its Ready status; and while it is not Ready, its pods are marked not Ready so they
// leave Service endpoints. Each write comes back through the watch and triggers the next step. Every step also
// reports the node's readiness to the zone disruption tracker; while no node in the cluster is Ready (master
// disruption, see disruption.ts) the NoExecute taints are withheld, and every node is looked at again whenever
// that changes.
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Client } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import { BY_NODE_NAME } from "../../client/store.ts";
import type { EventRecorder } from "../../client/events.ts";
import { isNotFound } from "../../client/errors.ts";
import { R } from "../../client/resources.ts";
import type { ReconcileResult } from "../controller.ts";
import { NodeHealthTracker, readyCondition } from "./health.ts";
import { unknownConditions } from "./conditions.ts";
import { reconcileTaints } from "./taints.ts";
import { DisruptionTracker } from "./disruption.ts";
import type { Logger } from "../../util/log.ts";
import { metaTime } from "../../util/time.ts";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";

export interface NodeMonitorOptions {
  /** How long a node may go unheard before it is marked unknown (ms). */
  gracePeriodMs: number;
  /** The same for a node that has never posted a Ready condition (ms). */
  startupGracePeriodMs: number;
}

export interface NodeMonitorDeps {
  client: Client;
  nodes: Store<Node>;
  leases: Store<Lease>;
  /** Pods indexed by node name under BY_NODE_NAME (byNodeName). */
  pods: Store<Pod>;
  recorder: EventRecorder;
  log: Logger;
  /** Asks for the named node to be reconciled (again). */
  enqueue(name: string): void;
  now(): Date;
}

export class NodeMonitor {
  private readonly deps: NodeMonitorDeps;
  private readonly opts: NodeMonitorOptions;
  private readonly health = new NodeHealthTracker();
  private readonly disruption = new DisruptionTracker();
  private seeded = false;

  constructor(deps: NodeMonitorDeps, opts: NodeMonitorOptions) {
    this.deps = deps;
    this.opts = opts;
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const now = this.deps.now();
    if (!this.seeded) {
      // Judge zones by every node in the cache from the first step, not by the ones looked at so far.
      this.seeded = true;
      for (const n of this.deps.nodes.list()) this.disruption.set(n, readyCondition(n)?.status === "True");
    }
    const node = this.deps.nodes.get(name);
    if (!node) {
      this.health.forget(name);
      this.disruption.remove(name);
      this.judgeDisruption(now);
      return;
    }
    const { probeAt, starting } = this.health.observe(node, this.deps.leases.getByName(NODE_LEASE_NAMESPACE, name), now.getTime());
    const left = probeAt + (starting ? this.opts.startupGracePeriodMs : this.opts.gracePeriodMs) - now.getTime();
    // As upstream, a node past its grace period counts as not Ready even before its conditions say so.
    this.disruption.set(node, left >= 0 && readyCondition(node)?.status === "True");
    this.judgeDisruption(now);
    if (left < 0) {
      const conditions = unknownConditions(node, now);
      if (conditions) {
        await this.deps.client.resource(R.nodes).updateStatus({ ...node, status: { ...node.status, conditions } });
        if (readyCondition(node)?.status === "True") this.deps.recorder.event(node, "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
        return;
      }
    }
    const ready = readyCondition(node)?.status;
    const taints = reconcileTaints(node.spec?.taints ?? [], ready, now, !this.disruption.master);
    if (taints) {
      await this.deps.client.resource(R.nodes).update({ ...node, spec: { ...node.spec, taints } });
      return;
    }
    if (ready && ready !== "True") await this.markPodsNotReady(name, now);
    // Look again when the grace period would run out without news.
    return left >= 0 ? { requeueAfter: left + 1 } : undefined;
  }

  /** Logs zone state changes; entering or leaving master disruption sends every node round again for its taints. */
  private judgeDisruption(now: Date): void {
    const change = this.disruption.judge();
    if (!change) return;
    for (const [zone, state] of change.zones) this.deps.log.info({ zone: zone.replace("\u0000", ""), state }, "zone state changed");
    if (!change.masterChanged) return;
    if (change.master) {
      this.deps.log.info("no node is Ready: entering master disruption mode, NoExecute taints removed and evictions stopped");
    } else {
      this.deps.log.info("some nodes are Ready: exiting master disruption mode");
      // As upstream: every node gets a fresh grace period, as the silence may have been the control plane's.
      this.health.touchAll(now.getTime());
    }
    for (const name of this.deps.nodes.keys()) this.deps.enqueue(name);
  }

  /** Pods on a node that is not Ready cannot be trusted to serve: their Ready condition turns False. */
  private async markPodsNotReady(node: string, now: Date): Promise<void> {
    const stamp = metaTime(now);
    for (const pod of this.deps.pods.byIndex(BY_NODE_NAME, node)) {
      if (!isReadyTrue(pod)) continue;
      const conditions = pod.status!.conditions!.map((c) => (c.type === "Ready" ? { ...c, status: "False", lastTransitionTime: stamp } : c));
      try {
        await this.deps.client.resource(R.pods).updateStatus({ ...pod, status: { ...pod.status, conditions } });
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      this.deps.recorder.event(pod, "Warning", "NodeNotReady", "Node is not ready");
    }
  }
}

export const isReadyTrue = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
