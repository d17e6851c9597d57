// Per node, one step at a time: a node silent past its grace period gets Unknown conditions; the not-ready or
// unreachable taints follow its Ready status; and while it is not Ready, its pods are marked not Ready so they
// leave Service endpoints. Each write comes back through the watch and triggers the next step.
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Client } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import type { EventRecorder } from "../../client/events.ts";
import { isNotFound } from "../../client/errors.ts";
import { R } from "../../client/resources.ts";
import type { ReconcileResult } from "../controller.ts";
import { NodeHealthTracker, readyCondition } from "./health.ts";
import { unknownConditions } from "./conditions.ts";
import { reconcileTaints } from "./taints.ts";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";
export const PODS_BY_NODE = "spec.nodeName";

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
  /** Pods indexed by node name under PODS_BY_NODE. */
  pods: Store<Pod>;
  recorder: EventRecorder;
  now(): Date;
}

export class NodeMonitor {
  private readonly deps: NodeMonitorDeps;
  private readonly opts: NodeMonitorOptions;
  private readonly health = new NodeHealthTracker();

  constructor(deps: NodeMonitorDeps, opts: NodeMonitorOptions) {
    this.deps = deps;
    this.opts = opts;
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const node = this.deps.nodes.get(name);
    if (!node) {
      this.health.forget(name);
      return;
    }
    const now = this.deps.now();
    const { probeAt, starting } = this.health.observe(node, this.deps.leases.getByName(NODE_LEASE_NAMESPACE, name), now.getTime());
    const left = probeAt + (starting ? this.opts.startupGracePeriodMs : this.opts.gracePeriodMs) - now.getTime();
    if (left < 0) {
      const conditions = unknownConditions(node, now);
      if (conditions) {
        await this.deps.client.resource(R.nodes).updateStatus({ ...node, status: { ...node.status, conditions } });
        if (readyCondition(node)?.status === "True") this.deps.recorder.event(node, "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
        return;
      }
    }
    const ready = readyCondition(node)?.status;
    const taints = reconcileTaints(node.spec?.taints ?? [], ready, now);
    if (taints) {
      await this.deps.client.resource(R.nodes).update({ ...node, spec: { ...node.spec, taints } });
      return;
    }
    if (ready && ready !== "True") await this.markPodsNotReady(name, now);
    // Look again when the grace period would run out without news.
    return left >= 0 ? { requeueAfter: left + 1 } : undefined;
  }

  /** Pods on a node that is not Ready cannot be trusted to serve: their Ready condition turns False. */
  private async markPodsNotReady(node: string, now: Date): Promise<void> {
    const stamp = now.toISOString().replace(/\.\d+Z$/, "Z");
    for (const pod of this.deps.pods.byIndex(PODS_BY_NODE, node)) {
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
