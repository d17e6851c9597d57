// `berth sim`'s component: many simulated kubelets in one process. Nodes register, renew their Leases on a spread
// schedule and post status as the kubelet does; pods bound to them run at once. Stopping leaves the Nodes in place
// (the node lifecycle controller marks them NotReady once their Leases expire).
import { randomBytes } from "node:crypto";
import type { Node } from "kubernetes-types/core/v1";
import { logger } from "../util/log.ts";
import { sleep } from "../util/sleep.ts";
import type { Client } from "../client/rest-client.ts";
import { R } from "../client/resources.ts";
import { Informer } from "../client/informer.ts";
import { isAlreadyExists, StatusError } from "../client/errors.ts";
import { LeanResourceClient } from "./lean-resource-client.ts";
import { NODE_LEASE_NAMESPACE } from "../client/node-lease.ts";
import { NodeFleet } from "./node-fleet.ts";
import type { NodeApi } from "./node-api.ts";
import { registerNode } from "./node-registration.ts";
import { heartbeat } from "./node-heartbeat.ts";
import { HeartbeatLoop } from "./heartbeat-loop.ts";
import { PodLifecycle } from "./pod-lifecycle.ts";
import type { SimOptions } from "./options.ts";

const log = logger("sim");
const RETRY_MS = 1000;

/** Creates the namespace if missing; waits out an API server that cannot be reached yet, as a kubelet does. */
async function ensureNamespace(client: Client, name: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    try {
      await client.resource(R.namespaces).create({ metadata: { name } });
      return;
    } catch (err) {
      if (isAlreadyExists(err)) return;
      // An answer (Forbidden, Unauthorized) will not change by waiting.
      if (err instanceof StatusError || signal.aborted) throw err;
      log.warn({ err: (err as Error).message }, "API server unreachable; retrying");
      await sleep(RETRY_MS, signal);
    }
  }
}

/**
 * The simulator's API connections. Over HTTPS each should be a connection of its own: HTTP/2 carries a connection's
 * streams in one flow-control window, so a burst on one (a large LIST, a rollout's pod writes) would otherwise hold
 * back the others' answers, Lease renewals included.
 */
export interface SimClients {
  /** Lists and watches (the Node and Pod caches). */
  watches: Client;
  /** Node registration, Leases and node status. */
  nodes: Client;
  /** Pod status writes and deletes. */
  pods: Client;
}

const aborted = (signal: AbortSignal): Promise<void> => new Promise((r) => signal.addEventListener("abort", () => r(), { once: true }));

/** Simulates the nodes until the signal aborts; resolves once in-flight requests have finished. */
export async function runSimulator(clients: SimClients, options: SimOptions, signal: AbortSignal, now: () => Date = () => new Date()): Promise<void> {
  await ensureNamespace(clients.nodes, NODE_LEASE_NAMESPACE, signal);
  if (signal.aborted) return;
  const nodeCache = new Informer<Node>(new LeanResourceClient(clients.watches, R.nodes));
  nodeCache.run(signal);
  await Promise.race([nodeCache.waitForSync(), aborted(signal)]);
  if (signal.aborted) return;

  const fleet = new NodeFleet(options.nodeCount, options.namePrefix);
  const api: NodeApi = {
    nodes: clients.nodes.resource(R.nodes),
    leases: clients.nodes.resource(R.leases),
    cache: nodeCache.store,
    resources: options.resources,
    extraLabels: options.extraLabels,
    leaseDurationSeconds: options.leaseDurationSeconds,
    bootNonce: randomBytes(4).toString("hex"),
    now,
  };
  const pods = new PodLifecycle(clients.watches, clients.pods, fleet, {
    workers: options.podWorkers,
    writeQps: options.podWriteQps,
    podCidrOf: (node) => nodeCache.store.getByName(undefined, node.name)?.spec?.podCIDR,
    now,
  });
  const heartbeats = new HeartbeatLoop(fleet, {
    renewIntervalMs: options.leaseRenewIntervalMs,
    statusReportIntervalMs: options.statusReportIntervalMs,
    registrationWorkers: options.registrationWorkers,
    heartbeatWorkers: options.heartbeatWorkers,
    register: (node) => registerNode(api, node),
    heartbeat: (node) => heartbeat(api, node),
    onRegistered: (node) => pods.nodeRegistered(node),
    onAllRegistered: (ms) => log.info({ nodes: options.nodeCount, ms: Math.round(ms) }, "all nodes registered"),
  });
  log.info({ nodes: options.nodeCount, first: fleet.nodes[0]?.name, last: fleet.nodes.at(-1)?.name }, "simulating nodes");
  await Promise.all([heartbeats.run(signal), pods.run(signal)]);
}
