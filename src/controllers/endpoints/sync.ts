// One sync of a Service's Endpoints: compute the subsets from the cached pods, and write only when the subsets,
// labels or over-capacity annotation differ from what is stored. Endpoints of a deleted Service are deleted.
import { isDeepStrictEqual } from "node:util";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { ResourceClient } from "../../client/rest-client.ts";
import { splitKey } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import { isNotFound } from "../../client/errors.ts";
import { hasManagedEndpoints, isHeadless, selects } from "./service-pods.ts";
import { desiredSubsets } from "./subsets.ts";
import { truncateSubsets } from "./capacity.ts";
import { formatRfc3339Nano } from "./trigger-time.ts";
import type { TriggerTimeTracker } from "./trigger-time.ts";

export const LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
export const OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";
export const HEADLESS_LABEL = "service.kubernetes.io/headless";

export interface EndpointsSyncDeps {
  services: Store<Service>;
  /** Pods indexed by namespace under "namespace". */
  pods: Store<Pod>;
  endpoints: Store<Endpoints>;
  client: ResourceClient<Endpoints>;
  triggerTimes: TriggerTimeTracker;
}

export async function syncEndpoints(deps: EndpointsSyncDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const svc = deps.services.get(key);
  if (!svc) {
    deps.triggerTimes.forget(key);
    await deps.client.delete(namespace, name).catch((err) => { if (!isNotFound(err)) throw err; });
    return;
  }
  if (!hasManagedEndpoints(svc)) return;

  const pods = deps.pods.byIndex("namespace", namespace!).filter((p) => selects(svc, p));
  pods.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  const triggerTime = deps.triggerTimes.compute(key, svc, pods);
  const full = desiredSubsets(svc, pods);
  const truncated = truncateSubsets(full);
  const subsets = truncated ?? full;
  const labels: Record<string, string> = { ...svc.metadata?.labels };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = "";
  else delete labels[HEADLESS_LABEL];

  const current = deps.endpoints.get(key);
  if (current && unchanged(current, subsets, labels, !!truncated)) return;

  const annotations: Record<string, string> = { ...current?.metadata?.annotations };
  if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME] = formatRfc3339Nano(triggerTime);
  else delete annotations[LAST_CHANGE_TRIGGER_TIME];
  if (truncated) annotations[OVER_CAPACITY] = "truncated";
  else delete annotations[OVER_CAPACITY];

  const next: Endpoints = { ...current, metadata: { ...current?.metadata, name, namespace, labels, annotations } };
  // As upstream's omitempty: no subsets field at all when there are none.
  if (subsets.length) next.subsets = subsets;
  else delete next.subsets;
  if (current) await deps.client.update(next);
  else await deps.client.create(next);
}

function unchanged(current: Endpoints, subsets: Endpoints["subsets"], labels: Record<string, string>, truncated: boolean): boolean {
  return (
    isDeepStrictEqual(normalize(current.subsets ?? []), normalize(subsets)) &&
    isDeepStrictEqual(current.metadata?.labels ?? {}, labels) &&
    (current.metadata?.annotations?.[OVER_CAPACITY] === "truncated") === truncated
  );
}

/** Drops undefined fields so stored and computed objects compare by content. */
const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
