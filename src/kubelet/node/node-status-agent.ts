// The node agent's presence in the API: registers its Node (or adopts an existing one), keeps its Lease renewed
// every 10 s, and posts its status when it changes, at least every 5 minutes, and every second until the node is
// Ready so a fresh node turns Ready as soon as its runtime does. While the API is away every step backs off
// (200 ms doubling to 7 s) and keeps trying; a Node deleted under the agent is registered again.
import type { Node, NodeStatus } from "kubernetes-types/core/v1";
import { isAlreadyExists, isNotFound } from "../../client/errors.ts";
import { R } from "../../client/resources.ts";
import type { Client } from "../../client/rest-client.ts";
import type { LeaseHolder } from "../../client/node-lease.ts";
import { logger } from "../../util/log.ts";
import { sleep } from "../../util/sleep.ts";
import { metaTime } from "../../util/time.ts";
import type { RuntimeState } from "./conditions.ts";
import { readMachine } from "./machine.ts";
import { defaultNodeIp } from "./node-ip.ts";
import { ensureLease, LEASE_DURATION_SECONDS, renewLease } from "./node-lease.ts";
import { adoptionPatch, newNode } from "./node-object.ts";
import type { NodeIdentity } from "./node-object.ts";
import { ownedNodeStatus, ownedStatusCurrent } from "./node-status.ts";

export interface NodeAgentStatusOptions {
  client: Client;
  nodeName: string;
  /** The InternalIP to report. Default: the first non-loopback IPv4 address. */
  nodeIP?: string;
  kubeletPort: number;
  /** The agent's data dir: its filesystem is the node's ephemeral storage. */
  dataDir: string;
  /** Set as spec.podCIDR(s) when the Node has none. */
  podCidr?: string;
  /** The runtime's version ("containerd://1.6.20") and readiness, from CRI Version and Status. */
  runtime: () => Promise<RuntimeState>;
  /** Labels the node node-role.kubernetes.io/control-plane. */
  controlPlane?: boolean;
  signal: AbortSignal;
  /** Lease renewal period. Default 10 s. */
  renewIntervalMs?: number;
  /** How often the status is computed and posted if changed (upstream's nodeStatusUpdateFrequency). Default 10 s. */
  statusSyncIntervalMs?: number;
  /** Longest time between status posts when nothing changes (nodeStatusReportFrequency). Default 5 min. */
  statusReportIntervalMs?: number;
}

export interface NodeAgentStatus {
  /** The Node as registered. */
  registered: Node;
  /** Resolves once both loops have stopped after the signal. */
  done: Promise<void>;
}

/** While the node is not Ready its status is checked this often. */
const NOT_READY_SYNC_MS = 1000;
const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 7000;

const log = logger("node-status");

/** Resolves once the Node is registered (rejects only when the signal aborts first), then keeps it current. */
export async function startNodeAgentStatus(opts: NodeAgentStatusOptions): Promise<NodeAgentStatus> {
  const agent = new NodeStatusAgent(opts);
  const registered = await agent.registerUntilDone();
  return { registered, done: agent.run() };
}

class NodeStatusAgent {
  private readonly opts: NodeAgentStatusOptions;
  private readonly nodes;
  private readonly leases;
  private readonly nodeIP: string;
  private uid = "";
  private lastReport = 0;
  private ready = false;
  /** The last runtime version seen, reported while the runtime does not answer. */
  private runtimeVersion = "";
  private registering: Promise<Node> | undefined;

  constructor(opts: NodeAgentStatusOptions) {
    this.opts = opts;
    this.nodes = opts.client.resource(R.nodes);
    this.leases = opts.client.resource(R.leases);
    this.nodeIP = opts.nodeIP ?? defaultNodeIp();
  }

  /** Registration, retried with backoff; shared by everyone who finds the Node gone meanwhile. */
  registerUntilDone(): Promise<Node> {
    this.registering ??= this.retry("register", () => this.register()).finally(() => { this.registering = undefined; });
    return this.registering;
  }

  async run(): Promise<void> {
    await Promise.all([this.leaseLoop(), this.statusLoop()]);
  }

  private holder(): LeaseHolder {
    return { name: this.opts.nodeName, uid: this.uid, durationSeconds: LEASE_DURATION_SECONDS };
  }

  private async wantedStatus(current: NodeStatus | undefined, now: Date): Promise<NodeStatus> {
    const [machine, runtime] = await Promise.all([readMachine(this.opts.dataDir), this.runtimeState()]);
    const o = this.opts;
    const wanted = ownedNodeStatus({ nodeName: o.nodeName, nodeIP: this.nodeIP, kubeletPort: o.kubeletPort, machine, runtime }, current, metaTime(now));
    this.ready = wanted.conditions!.some((c) => c.type === "Ready" && c.status === "True");
    return wanted;
  }

  private async runtimeState(): Promise<RuntimeState> {
    try {
      const state = await this.opts.runtime();
      this.runtimeVersion = state.version;
      return state;
    } catch (err) {
      return { version: this.runtimeVersion, runtimeReady: false, networkReady: false, message: (err as Error).message };
    }
  }

  private identity(architecture: string): NodeIdentity {
    return { nodeName: this.opts.nodeName, architecture, podCidr: this.opts.podCidr, controlPlane: this.opts.controlPlane };
  }

  private async register(): Promise<Node> {
    const now = new Date();
    const wanted = await this.wantedStatus(undefined, now);
    const id = this.identity(wanted.nodeInfo!.architecture);
    let node: Node;
    try {
      // Upstream stores a Node's status given at create, so a runtime that is up makes the node Ready at once.
      node = await this.nodes.create({ ...newNode(id), status: wanted });
      log.info({ node: this.opts.nodeName }, "node registered");
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.nodes.get(undefined, this.opts.nodeName);
      const patch = adoptionPatch(existing, id);
      node = patch ? await this.nodes.patch(undefined, this.opts.nodeName, patch, "merge") : existing;
      log.info({ node: this.opts.nodeName }, "existing node adopted");
    }
    this.uid = node.metadata!.uid!;
    if (!ownedStatusCurrent(node, wanted)) node = await this.postStatus(await this.wantedStatus(node.status, now));
    else this.lastReport = now.getTime();
    await ensureLease(this.leases, this.holder(), now);
    return node;
  }

  private async postStatus(status: NodeStatus): Promise<Node> {
    const node = await this.nodes.patch(undefined, this.opts.nodeName, { status }, "strategic", { subresource: "status" });
    this.lastReport = Date.now();
    return node;
  }

  private async syncStatus(): Promise<void> {
    const node = await this.nodes.get(undefined, this.opts.nodeName);
    if (node.metadata!.uid !== this.uid) {
      // Deleted and created again by someone else: the Lease must be owned by this Node.
      this.uid = node.metadata!.uid!;
      await ensureLease(this.leases, this.holder(), new Date());
    }
    const now = new Date();
    const wanted = await this.wantedStatus(node.status, now);
    const due = now.getTime() - this.lastReport >= (this.opts.statusReportIntervalMs ?? 300_000);
    if (due || !ownedStatusCurrent(node, wanted)) await this.postStatus(wanted);
  }

  private async renew(): Promise<void> {
    if (await renewLease(this.leases, this.holder(), new Date())) return;
    // The Lease went: by a user's hand (take it again), or with the Node (register again).
    try {
      this.uid = (await this.nodes.get(undefined, this.opts.nodeName)).metadata!.uid!;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.nodeGone();
      return;
    }
    await ensureLease(this.leases, this.holder(), new Date());
  }

  private async nodeGone(): Promise<void> {
    log.warn({ node: this.opts.nodeName }, "node object deleted; registering again");
    await this.registerUntilDone();
  }

  private leaseLoop(): Promise<void> {
    const interval = this.opts.renewIntervalMs ?? 10_000;
    return this.loop(() => interval, "renew lease", () => this.renew());
  }

  private statusLoop(): Promise<void> {
    const interval = this.opts.statusSyncIntervalMs ?? 10_000;
    return this.loop(() => (this.ready ? interval : NOT_READY_SYNC_MS), "update node status", async () => {
      try {
        await this.syncStatus();
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await this.nodeGone();
      }
    });
  }

  /** Runs `step` after every interval until the signal aborts. */
  private async loop(interval: () => number, what: string, step: () => Promise<void>): Promise<void> {
    while (await this.wait(interval())) {
      try {
        await this.retry(what, step);
      } catch {
        // retry only gives up when the signal aborted: the loop ends.
        return;
      }
    }
  }

  /** Sleeps; false once the signal aborted. */
  private async wait(ms: number): Promise<boolean> {
    await sleep(ms, this.opts.signal);
    return !this.opts.signal.aborted;
  }

  /** Runs `step` until it succeeds, backing off between failures; rejects with the signal's reason on abort. */
  private async retry<T>(what: string, step: () => Promise<T>): Promise<T> {
    let delay = BACKOFF_START_MS;
    for (;;) {
      this.opts.signal.throwIfAborted();
      try {
        return await step();
      } catch (err) {
        if (this.opts.signal.aborted) throw this.opts.signal.reason;
        log.warn({ node: this.opts.nodeName, err: (err as Error).message, retryMs: delay }, `${what} failed; retrying`);
        await sleep(delay, this.opts.signal);
        delay = Math.min(delay * 2, BACKOFF_MAX_MS);
      }
    }
  }
}
