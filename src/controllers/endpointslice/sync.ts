// One sync of a Service's EndpointSlices: check the cache has seen our last writes, plan from the cached pods,
// nodes and slices, then create, update and delete only the slices that change. Pods on nodes the cache does not
// know are left out and the sync retried, as upstream.
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ResourceClient } from "../../client/rest-client.ts";
import { splitKey } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import { isNotFound } from "../../client/errors.ts";
import { hasManagedEndpoints, selects } from "../endpoints/service-pods.ts";
import type { TriggerTimeTracker } from "../endpoints/trigger-time.ts";
import { planSlices } from "./plan.ts";
import type { SliceWriteTracker } from "./stale-tracker.ts";

/** Index of this controller's slices by their Service's namespace/name. */
export const SLICES_BY_SERVICE = "endpointslice-controller/service";

export interface SliceSyncDeps {
  services: Store<Service>;
  /** Pods indexed by namespace under "namespace". */
  pods: Store<Pod>;
  nodes: Store<Node>;
  slices: Store<EndpointSlice>;
  client: ResourceClient<EndpointSlice>;
  tracker: SliceWriteTracker;
  triggerTimes: TriggerTimeTracker;
}

export async function syncSlices(deps: SliceSyncDeps, key: string): Promise<void> {
  const { namespace } = splitKey(key);
  const svc = deps.services.get(key);
  const owned = deps.slices.byIndex(SLICES_BY_SERVICE, key);
  if (!svc) {
    // The garbage collector would remove them through their owner reference; this does not wait for it.
    deps.triggerTimes.forget(key);
    deps.tracker.forget(key);
    for (const s of owned) await deleteSlice(deps, key, s);
    return;
  }
  if (!hasManagedEndpoints(svc)) return;
  deps.tracker.checkFresh(key, (name) => deps.slices.getByName(namespace, name));

  const pods = deps.pods.byIndex("namespace", namespace!).filter((p) => selects(svc, p));
  pods.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  const plan = planSlices({
    service: svc,
    pods,
    slices: owned.filter((s) => !s.metadata?.deletionTimestamp),
    nodeOf: (name) => deps.nodes.get(name),
    triggerTime: deps.triggerTimes.compute(key, svc, pods),
  });
  // New slices for a Service on its way out would only race the garbage collector.
  if (!svc.metadata?.deletionTimestamp) {
    for (const s of plan.create) deps.tracker.wrote(key, await deps.client.create(s));
  }
  for (const s of plan.update) deps.tracker.wrote(key, await deps.client.update(s));
  for (const s of plan.delete) await deleteSlice(deps, key, s);
  if (plan.missingNodes.length) throw new Error(`pods of ${key} are on nodes not yet known: ${plan.missingNodes.join(", ")}`);
}

async function deleteSlice(deps: SliceSyncDeps, key: string, slice: EndpointSlice): Promise<void> {
  try {
    await deps.client.delete(slice.metadata!.namespace, slice.metadata!.name!);
    deps.tracker.deleted(key, slice.metadata!.name!);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
