// The pod garbage collector ("podgc"): force-deletes pods whose node is gone (after a quarantine, confirmed by a
// live read), terminating pods on out-of-service nodes, and the oldest terminated pods beyond a threshold.
import type { Node, Pod } from "kubernetes-types/core/v1";
import { R } from "../../client/resources.ts";
import { objectOf } from "../../client/informer.ts";
import { logger } from "../../util/log.ts";
import { Controller } from "../controller.ts";
import type { ControllerDescriptor } from "../context.ts";
import { BY_NODE_NAME, byNodeName } from "../../client/store.ts";
import { OUT_OF_SERVICE, PodGc, TERMINATED_KEY, TERMINATED_PODS, isTerminated, nodeKey } from "./gc.ts";

export interface PodGcControllerOptions {
  /** How long a node must be gone before its pods are deleted (ms). Default 40 s. */
  quarantineMs?: number;
  /** --terminated-pod-gc-threshold: terminated pods kept before the oldest go; 0 keeps all. Default 12500. */
  terminatedPodThreshold?: number;
}

export function podGcController(opts: PodGcControllerOptions = {}): ControllerDescriptor {
  return {
    name: "podgc",
    async start(ctx) {
      const nodes = ctx.informers.informer(R.nodes);
      const pods = ctx.informers.informer(R.pods);
      pods.addIndex(BY_NODE_NAME, byNodeName);
      pods.addIndex(TERMINATED_PODS, (p: Pod) => (isTerminated(p) ? ["true"] : []));
      const threshold = opts.terminatedPodThreshold ?? 12_500;
      const gc = new PodGc(
        { client: ctx.client, nodes: nodes.store, pods: pods.store, log: logger("podgc"), now: ctx.now },
        { quarantineMs: opts.quarantineMs ?? 40_000, terminatedPodThreshold: threshold },
      );
      const controller = new Controller("podgc", (key) => gc.reconcile(key), { workers: 2 });

      const onPod = (pod: Pod) => {
        const nodeName = pod.spec?.nodeName;
        // Pods on unknown nodes, and terminating pods (their node may be out of service), are looked at per node.
        if (nodeName && (!nodes.store.get(nodeName) || pod.metadata?.deletionTimestamp)) controller.enqueue(nodeKey(nodeName));
        if (threshold > 0 && isTerminated(pod) && pods.store.byIndex(TERMINATED_PODS, "true").length > threshold) controller.enqueue(TERMINATED_KEY);
      };
      pods.addHandlers({ onAdd: onPod, onUpdate: (_, p) => onPod(p) });
      nodes.addHandlers({
        onUpdate: (_, n: Node) => { if (n.spec?.taints?.some((t) => t.key === OUT_OF_SERVICE)) controller.enqueue(nodeKey(n.metadata!.name!)); },
        onDelete: (d) => controller.enqueue(nodeKey(objectOf(d).metadata!.name!)),
      });

      await Promise.all([nodes.waitForSync(), pods.waitForSync()]);
      await controller.run(ctx.signal);
    },
  };
}
