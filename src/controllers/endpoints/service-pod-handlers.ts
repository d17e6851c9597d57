// The event wiring both endpoint controllers share: a Service's key is queued when the Service changes or when a
// pod it selects (before or after the change) does.
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { Informer } from "../../client/informer.ts";
import { objectOf } from "../../client/informer.ts";
import { keyOf } from "../../client/rest-client.ts";
import { byNamespace } from "../../client/store.ts";
import { selects } from "./service-pods.ts";

/** Registers the handlers; answers the function that queues every Service selecting a pod. */
export function watchServicesAndPods(services: Informer<Service>, pods: Informer<Pod>, enqueue: (key: string) => void): (pod: Pod) => void {
  services.addIndex("namespace", byNamespace);
  pods.addIndex("namespace", byNamespace);
  const enqueueServicesOf = (pod: Pod) => {
    for (const svc of services.store.byIndex("namespace", pod.metadata?.namespace ?? "")) if (selects(svc, pod)) enqueue(keyOf(svc));
  };
  services.addHandlers({
    onAdd: (s) => enqueue(keyOf(s)),
    onUpdate: (_, s) => enqueue(keyOf(s)),
    onDelete: (s) => enqueue(keyOf(objectOf(s))),
  });
  pods.addHandlers({
    onAdd: enqueueServicesOf,
    // Old labels too: a pod that stopped matching must leave the Service's endpoints.
    onUpdate: (old, pod) => { enqueueServicesOf(old); enqueueServicesOf(pod); },
    onDelete: (p) => enqueueServicesOf(objectOf(p)),
  });
  return enqueueServicesOf;
}
