// `berth sim`'s component: many simulated kubelets in one process. Nodes register, renew their Leases on a spread
// schedule and post status as the kubelet does; pods bound to them run at once. Stopping leaves the Nodes in place
// (the node lifecycle controller marks them NotReady once their Leases expire).
import { randomUUID } from "node:crypto";
import type { Node } from "kubernetes-types/core/v1";
import { logger } from "../util/log.ts";
import type { Client } from "../client/rest-client.ts";
import { R } from "../client/resources.ts";
import { Informer } from "../client/informer.ts";
import { isAlreadyExists } from "../client/errors.ts";
import { LeanResourceClient } from "./lean-resource-client.ts";
import { NODE_LEASE_NAMESPACE } from "./lease.ts";
import { NodeFleet } from "./node-fleet.ts";
import type { NodeApi } from "./node-api.ts";
import { registerNode } from "./node-registration.ts";
import { heartbeat } from "./node-heartbeat.ts";
import { HeartbeatLoop } from "./heartbeat-loop.ts";
import { PodLifecycle } from "./pod-lifecycle.ts";
import type { SimOptions } from "./options.ts";

const log = logger("sim");

async function ensureNamespace(client: Client, name: string): Promise<void> {
  try {
    await client.resource(R.namespaces).create({ metadata: { name } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

const aborted = (signal: AbortSignal): Promise<void> => new Promise((r) => signal.addEventListener("abort", () => r(), { once: true }));

/** Simulates the nodes until the signal aborts; resolves once in-flight requests have finished. */
export async function runSimulator(client: Client, options: SimOptions, signal: AbortSignal, now: () => Date = () => new Date()): Promise<void> {
  await ensureNamespace(client, NODE_LEASE_NAMESPACE);
  const nodeCache = new Informer<Node>(new LeanResourceClient(client, R.nodes));
  nodeCache.run(signal);
  await Promise.race([nodeCache.waitForSync(), aborted(signal)]);
  if (signal.aborted) return;

  const fleet = new NodeFleet(options.nodeCount, options.namePrefix);
  const api: NodeApi = {
    nodes: client.resource(R.nodes),
    leases: client.resource(R.leases),
    cache: nodeCache.store,
    resources: options.resources,
    extraLabels: options.extraLabels,
    leaseDurationSeconds: options.leaseDurationSeconds,
    bootNonce: randomUUID(),
    now,
  };
  const pods = new PodLifecycle(client, fleet, {
    workers: options.podWorkers,
    writeQps: options.podWriteQps,
    podCidrOf: (node) => nodeCache.store.getByName(undefined, node.name)?.spec?.podCIDR,
    now,
  });
  const heartbeats = new HeartbeatLoop(fleet, {
    renewIntervalMs: options.leaseRenewIntervalMs,
    statusReportIntervalMs: options.statusReportIntervalMs,
    workers: options.heartbeatWorkers,
    register: (node) => registerNode(api, node),
    heartbeat: (node) => heartbeat(api, node),
    onRegistered: (node) => pods.nodeRegistered(node),
    onAllRegistered: (ms) => log.info({ nodes: options.nodeCount, ms: Math.round(ms) }, "all nodes registered"),
  });
  log.info({ nodes: options.nodeCount, first: fleet.nodes[0]?.name, last: fleet.nodes.at(-1)?.name }, "simulating nodes");
  await Promise.all([heartbeats.run(signal), pods.run(signal)]);
}
