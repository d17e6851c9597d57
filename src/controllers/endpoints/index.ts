// The Endpoints controller ("endpoint"): keeps an Endpoints object, named as its Service, listing the addresses
// and ports of the pods each selector-bearing Service selects. Services without a selector are left alone (their
// Endpoints are written by hand, or by the API server for `kubernetes`).
import type { Endpoints, Service } from "kubernetes-types/core/v1";
import { R } from "../../client/resources.ts";
import { keyOf } from "../../client/rest-client.ts";
import { objectOf } from "../../client/informer.ts";
import { Controller } from "../controller.ts";
import type { ControllerDescriptor } from "../context.ts";
import { watchServicesAndPods } from "./service-pod-handlers.ts";
import { syncEndpoints } from "./sync.ts";
import { TriggerTimeTracker } from "./trigger-time.ts";

export const endpointsController: ControllerDescriptor = {
  name: "endpoint",
  async start(ctx) {
    const services = ctx.informers.informer(R.services);
    const pods = ctx.informers.informer(R.pods);
    const endpoints = ctx.informers.informer(R.endpoints);
    const deps = { services: services.store, pods: pods.store, endpoints: endpoints.store, client: ctx.client.resource(R.endpoints), triggerTimes: new TriggerTimeTracker() };
    const controller = new Controller("endpoint", (key) => syncEndpoints(deps, key), { workers: 5 });

    watchServicesAndPods(services, pods, (key) => controller.enqueue(key));
    // Deleted Endpoints of a live Service are written again.
    endpoints.addHandlers({ onDelete: (e) => controller.enqueue(keyOf(objectOf(e))) });

    await Promise.all([services.waitForSync(), pods.waitForSync(), endpoints.waitForSync()]);
    enqueueLeftovers(endpoints.store.list(), services.store, controller);
    await controller.run(ctx.signal);
  },
};

/** Legacy leader-election records are Endpoints without a Service; they are not leftovers. */
const LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

/** Endpoints whose Service is gone (deleted while no controller ran) are cleaned up once at start, as upstream. */
function enqueueLeftovers(all: Endpoints[], services: { get(key: string): Service | undefined }, controller: Controller): void {
  for (const ep of all) {
    const key = keyOf(ep);
    if (!services.get(key) && !ep.metadata?.annotations?.[LEADER_ANNOTATION]) controller.enqueue(key);
  }
}
