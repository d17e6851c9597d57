// What one Deployment sync works with: API clients, the informer caches and events.
import type { Pod } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { ResourceClient } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import type { EventRecorder } from "../../client/events.ts";

export interface DeploymentEnv {
  deployments: ResourceClient<Deployment>;
  replicasets: ResourceClient<ReplicaSet>;
  deploymentCache: Store<Deployment>;
  rsCache: Store<ReplicaSet>;
  podCache: Store<Pod>;
  recorder: EventRecorder;
  now(): Date;
}

/** The store index all three caches carry. */
export const BY_NAMESPACE = "namespace";
