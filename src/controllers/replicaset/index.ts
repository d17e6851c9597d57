// The ReplicaSet controller: keeps spec.replicas pods running for every ReplicaSet, adopting matching orphans
// and releasing pods that no longer match.
import { R } from "../../client/resources.ts";
import { byNamespace, byOwnerUid } from "../../client/store.ts";
import { Controller } from "../controller.ts";
import type { ControllerDescriptor } from "../context.ts";
import { Expectations } from "../expectations.ts";
import { BY_CONTROLLER, byControllerOrOrphan } from "../pod-util.ts";
import { BY_NAMESPACE, BY_OWNER } from "./env.ts";
import type { ReplicaSetEnv } from "./env.ts";
import { podHandlers, replicaSetHandlers } from "./handlers.ts";
import { syncReplicaSet } from "./sync.ts";

export const replicaset: ControllerDescriptor = {
  name: "replicaset",
  async start(ctx) {
    const rsInformer = ctx.informers.informer(R.replicasets);
    const podInformer = ctx.informers.informer(R.pods);
    for (const inf of [rsInformer, podInformer] as const) {
      inf.addIndex(BY_NAMESPACE, byNamespace);
      inf.addIndex(BY_OWNER, byOwnerUid);
      inf.addIndex(BY_CONTROLLER, byControllerOrOrphan);
    }
    const env: ReplicaSetEnv = {
      pods: ctx.client.resource(R.pods),
      replicasets: ctx.client.resource(R.replicasets),
      podCache: podInformer.store,
      rsCache: rsInformer.store,
      recorder: ctx.recorder("replicaset-controller"),
      expectations: new Expectations(),
      now: () => ctx.now(),
    };
    const controller = new Controller("replicaset", (key) => syncReplicaSet(env, key));
    const enqueue = (key: string, afterMs?: number) => (afterMs ? controller.queue.addAfter(key, afterMs) : controller.enqueue(key));
    rsInformer.addHandlers(replicaSetHandlers(env, enqueue));
    podInformer.addHandlers(podHandlers(env, enqueue));
    const stopped = new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    await Promise.race([Promise.all([rsInformer.waitForSync(), podInformer.waitForSync()]), stopped]);
    if (!ctx.signal.aborted) await controller.run(ctx.signal);
  },
};
