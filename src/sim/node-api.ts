// What the node side of the simulator works with: clients for Nodes and Leases, the Node cache, and the facts
// every simulated node shares.
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node } from "kubernetes-types/core/v1";
import type { ResourceClient } from "../client/rest-client.ts";
import type { Store } from "../client/store.ts";
import type { NodeResources } from "./options.ts";

export interface NodeApi {
  nodes: ResourceClient<Node>;
  leases: ResourceClient<Lease>;
  /** Every Node, kept current by an informer. */
  cache: Store<Node>;
  resources: NodeResources;
  extraLabels: Record<string, string>;
  leaseDurationSeconds: number;
  /** Eight hex digits drawn at start: nodes report a new boot id after each restart. */
  bootNonce: string;
  now(): Date;
}

/** Times in API objects: RFC 3339 to the second. */
