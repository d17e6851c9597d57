// The EndpointSlice controller ("endpointslice"): keeps discovery.k8s.io/v1 EndpointSlices for every Service with
// a selector, at most 100 endpoints each, owned by the Service and labelled with its name and this controller.
import type { Node } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { R } from "../../client/resources.ts";
import { objectOf } from "../../client/informer.ts";
import { BY_NODE_NAME, byNodeName } from "../../client/store.ts";
import { Controller } from "../controller.ts";
import type { ControllerDescriptor } from "../context.ts";
import { watchServicesAndPods } from "../endpoints/service-pod-handlers.ts";
import { TriggerTimeTracker } from "../endpoints/trigger-time.ts";
import { CONTROLLER_NAME } from "./plan.ts";
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "../../api/well-known.ts";
import { ZONE_LABEL } from "./desired.ts";
import { SLICES_BY_SERVICE, syncSlices } from "./sync.ts";
import { SliceWriteTracker } from "./stale-tracker.ts";

/** The Service key of a slice this controller manages, or undefined. */
function serviceKeyOf(slice: EndpointSlice): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  const svc = labels[SERVICE_NAME_LABEL];
  return svc && labels[MANAGED_BY_LABEL] === CONTROLLER_NAME ? `${slice.metadata!.namespace}/${svc}` : undefined;
}

export const endpointSliceController: ControllerDescriptor = {
  name: "endpointslice",
  async start(ctx) {
    const services = ctx.informers.informer(R.services);
    const pods = ctx.informers.informer(R.pods);
    const nodes = ctx.informers.informer(R.nodes);
    const slices = ctx.informers.informer(R.endpointslices);
    pods.addIndex(BY_NODE_NAME, byNodeName);
    slices.addIndex(SLICES_BY_SERVICE, (s: EndpointSlice) => { const k = serviceKeyOf(s); return k ? [k] : []; });
    const tracker = new SliceWriteTracker();
    const deps = {
      services: services.store, pods: pods.store, nodes: nodes.store, slices: slices.store,
      client: ctx.client.resource(R.endpointslices), tracker, triggerTimes: new TriggerTimeTracker(),
    };
    const controller = new Controller("endpointslice", (key) => syncSlices(deps, key), { workers: 5 });

    const enqueueServicesOf = watchServicesAndPods(services, pods, (key) => controller.enqueue(key));
    // Pods on a node just seen, or whose zone changed, need their endpoints (re)written.
    const enqueueServicesOnNode = (node: Node) => {
      for (const pod of pods.store.byIndex(BY_NODE_NAME, node.metadata!.name!)) enqueueServicesOf(pod);
    };
    nodes.addHandlers({
      onAdd: enqueueServicesOnNode,
      onUpdate: (old, node) => { if (old.metadata?.labels?.[ZONE_LABEL] !== node.metadata?.labels?.[ZONE_LABEL]) enqueueServicesOnNode(node); },
    });
    // Slices changed or deleted by others are put right.
    const enqueueSliceService = (s: EndpointSlice) => { const k = serviceKeyOf(s); if (k) controller.enqueue(k); };
    slices.addHandlers({
      onAdd: enqueueSliceService,
      onUpdate: (_, s) => enqueueSliceService(s),
      onDelete: (d) => {
        const s = objectOf(d);
        const k = serviceKeyOf(s);
        if (!k) return;
        tracker.observedDeletion(k, s.metadata!.name!);
        controller.enqueue(k);
      },
    });

    await Promise.all([services.waitForSync(), pods.waitForSync(), nodes.waitForSync(), slices.waitForSync()]);
    await controller.run(ctx.signal);
  },
};
