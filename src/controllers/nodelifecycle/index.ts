// The node lifecycle controller ("nodelifecycle"): watches Nodes and their Leases, marks silent nodes Unknown,
// keeps the not-ready/unreachable taints in step with each node's Ready condition, marks pods on unready nodes
// not Ready, and evicts pods from nodes with NoExecute taints they do not tolerate (or tolerate only for a while).
// While no node in the cluster is Ready it withholds the NoExecute taints, so nothing is evicted (disruption.ts).
import type { Node, Pod, Taint } from "kubernetes-types/core/v1";
import { R } from "../../client/resources.ts";
import { keyOf } from "../../client/rest-client.ts";
import { objectOf } from "../../client/informer.ts";
import { Controller } from "../controller.ts";
import type { ControllerDescriptor } from "../context.ts";
import { BY_NODE_NAME, byNodeName } from "../../client/store.ts";
import { NODE_LEASE_NAMESPACE, NodeMonitor, isReadyTrue } from "./node-monitor.ts";
import { TaintEviction } from "./taint-eviction.ts";
import { readyCondition } from "./health.ts";
import { logger } from "../../util/log.ts";

export interface NodeLifecycleOptions {
  /** How long a node may go without a heartbeat or Lease renewal before it is marked Unknown (ms). Default 40 s. */
  gracePeriodMs?: number;
  /** The same for nodes that never posted a Ready condition (ms). Default 60 s. */
  startupGracePeriodMs?: number;
}

const noExecuteTaints = (node: Node | undefined): string =>
  JSON.stringify((node?.spec?.taints ?? []).filter((t: Taint) => t.effect === "NoExecute"));

export function nodeLifecycleController(opts: NodeLifecycleOptions = {}): ControllerDescriptor {
  return {
    name: "nodelifecycle",
    async start(ctx) {
      const nodes = ctx.informers.informer(R.nodes);
      const leases = ctx.informers.informer(R.leases, { namespace: NODE_LEASE_NAMESPACE });
      const pods = ctx.informers.informer(R.pods);
      pods.addIndex(BY_NODE_NAME, byNodeName);

      const monitor = new NodeMonitor(
        { client: ctx.client, nodes: nodes.store, leases: leases.store, pods: pods.store, recorder: ctx.recorder("node-controller"), log: logger("nodelifecycle"), enqueue: (name) => monitorLoop.enqueue(name), now: ctx.now },
        { gracePeriodMs: opts.gracePeriodMs ?? 40_000, startupGracePeriodMs: opts.startupGracePeriodMs ?? 60_000 },
      );
      const eviction = new TaintEviction({ client: ctx.client, pods: pods.store, nodes: nodes.store, recorder: ctx.recorder("taint-eviction-controller"), now: ctx.now });
      const monitorLoop = new Controller("nodelifecycle", (name) => monitor.reconcile(name), { workers: 2 });
      const evictionLoop = new Controller("taint-eviction", (key) => eviction.reconcile(key), { workers: 2 });

      const enqueuePodsOn = (node: Node) => {
        for (const p of pods.store.byIndex(BY_NODE_NAME, node.metadata!.name!)) evictionLoop.enqueue(keyOf(p));
      };
      nodes.addHandlers({
        onAdd: (n) => { monitorLoop.enqueue(n.metadata!.name!); enqueuePodsOn(n); },
        onUpdate: (old, n) => {
          monitorLoop.enqueue(n.metadata!.name!);
          if (noExecuteTaints(old) !== noExecuteTaints(n)) enqueuePodsOn(n);
        },
        onDelete: (d) => { const n = objectOf(d); monitorLoop.enqueue(n.metadata!.name!); enqueuePodsOn(n); },
      });
      leases.addHandlers({
        onAdd: (l) => monitorLoop.enqueue(l.metadata!.name!),
        onUpdate: (_, l) => monitorLoop.enqueue(l.metadata!.name!),
      });
      const onPod = (pod: Pod) => {
        if (pod.metadata?.deletionTimestamp) eviction.settled(pod);
        const nodeName = pod.spec?.nodeName;
        if (!nodeName) return;
        evictionLoop.enqueue(keyOf(pod));
        // A Ready pod on a node that is not: the node's next step marks it.
        const status = readyCondition(nodes.store.get(nodeName) ?? {})?.status;
        if (status && status !== "True" && isReadyTrue(pod)) monitorLoop.enqueue(nodeName);
      };
      pods.addHandlers({
        onAdd: onPod,
        onUpdate: (_, pod) => onPod(pod),
        onDelete: (d) => { const pod = objectOf(d); eviction.settled(pod); evictionLoop.enqueue(keyOf(pod)); },
      });

      await Promise.all([nodes.waitForSync(), leases.waitForSync(), pods.waitForSync()]);
      await Promise.all([monitorLoop.run(ctx.signal), evictionLoop.run(ctx.signal)]);
    },
  };
}
