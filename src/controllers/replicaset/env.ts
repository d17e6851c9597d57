// What one ReplicaSet sync works with: API clients, the informer caches, events and expectations.
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { ResourceClient } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import type { EventRecorder } from "../../client/events.ts";
import type { Expectations } from "../expectations.ts";

export interface ReplicaSetEnv {
  pods: ResourceClient<Pod>;
  replicasets: ResourceClient<ReplicaSet>;
  podCache: Store<Pod>;
  rsCache: Store<ReplicaSet>;
  recorder: EventRecorder;
  expectations: Expectations;
  now(): Date;
}

/** Store indexes both caches carry. */
export const BY_NAMESPACE = "namespace";
export const BY_OWNER = "ownerUid";
