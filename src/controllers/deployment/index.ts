// The Deployment controller: rolls Deployments out through ReplicaSets (RollingUpdate or Recreate), scales them,
// keeps revisions and history, and reports progress.
import { R } from "../../client/resources.ts";
import { byNamespace } from "../../client/store.ts";
import { Controller } from "../controller.ts";
import type { ControllerDescriptor } from "../context.ts";
import { BY_CONTROLLER, byControllerOrOrphan } from "../pod-util.ts";
import { BY_NAMESPACE } from "./env.ts";
import type { DeploymentEnv } from "./env.ts";
import { deploymentHandlers, podHandlers, replicaSetHandlers } from "./handlers.ts";
import { syncDeployment } from "./sync.ts";

export const deployment: ControllerDescriptor = {
  name: "deployment",
  async start(ctx) {
    const deployInformer = ctx.informers.informer(R.deployments);
    const rsInformer = ctx.informers.informer(R.replicasets);
    const podInformer = ctx.informers.informer(R.pods);
    deployInformer.addIndex(BY_NAMESPACE, byNamespace);
    rsInformer.addIndex(BY_NAMESPACE, byNamespace);
    podInformer.addIndex(BY_NAMESPACE, byNamespace);
    rsInformer.addIndex(BY_CONTROLLER, byControllerOrOrphan);
    podInformer.addIndex(BY_CONTROLLER, byControllerOrOrphan);
    const env: DeploymentEnv = {
      deployments: ctx.client.resource(R.deployments),
      replicasets: ctx.client.resource(R.replicasets),
      deploymentCache: deployInformer.store,
      rsCache: rsInformer.store,
      podCache: podInformer.store,
      recorder: ctx.recorder("deployment-controller"),
      now: () => ctx.now(),
    };
    const controller = new Controller("deployment", (key) => syncDeployment(env, key));
    const enqueue = (key: string) => controller.enqueue(key);
    deployInformer.addHandlers(deploymentHandlers(enqueue));
    rsInformer.addHandlers(replicaSetHandlers(env, enqueue));
    podInformer.addHandlers(podHandlers(env, enqueue));
    const stopped = new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    await Promise.race([Promise.all([deployInformer.waitForSync(), rsInformer.waitForSync(), podInformer.waitForSync()]), stopped]);
    if (!ctx.signal.aborted) await controller.run(ctx.signal);
  },
};
