// The node's part of the pod network: kernel settings, host-gw routes to the other nodes' pod ranges and pod
// egress masquerade, kept in step with the cluster's Nodes. Node events only mark the state dirty; one loop
// recomputes what is wanted from the informer cache and applies the difference to what it last applied, so a
// burst of events costs one pass and a pass touches only what changed. After a failure, or every minute, a full
// pass re-reads the kernel instead of trusting that record (and re-checks which nodes are reachable).
import type { Node } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { Informer } from "../../client/informer.ts";
import { logger } from "../../util/log.ts";
import { sleep } from "../../util/sleep.ts";
import { Ipv4Cidr } from "../../util/cidr.ts";
import { commandRunner } from "../../util/command.ts";
import type { RunCommand } from "../../util/command.ts";
import { applyPodKernelSettings } from "./kernel-settings.ts";
import { candidateRoutes, clusterPodRanges, routeChanges, setChanges } from "./desired-state.ts";
import { applyRouteChanges, directlyReachable, listPodRoutes } from "./host-gw-routes.ts";
import { deleteMasqueradeTable, updatePodRanges, writeMasqueradeTable } from "./egress-masquerade.ts";

export interface PodNetworkOptions {
  client: Client; // reads Nodes through an Informer
  nodeName: string;
  podCidr: string; // this node's pod range, e.g. 10.42.1.0/24
  /** argv prefix for every command (ip, nft, sysctl, modprobe), e.g. ["nsenter","--net=/run/netns/x"]; default none. */
  commandPrefix?: string[];
  signal: AbortSignal; // on abort: remove the agent's routes and nft table
}

const FULL_SYNC_MS = 60_000;
const RETRY_MS = 1000;

const log = logger("pod-network");

class PodNetwork {
  private readonly run: RunCommand;
  private readonly nodes: Informer<Node>;
  private readonly opts: PodNetworkOptions;
  private readonly podCidr: string;
  /** What the last successful pass left in the kernel. */
  private appliedRoutes = new Map<string, string>();
  private appliedRanges = new Set<string>();
  /** Node address -> directly reachable; forgotten at each full pass. */
  private reachable = new Map<string, boolean>();
  /** "node/address" pairs already reported as not directly reachable. */
  private reported = new Set<string>();
  private dirty = true;
  private fullPassDue = true;
  private wake: (() => void) | undefined;

  constructor(opts: PodNetworkOptions, nodes: Informer<Node>) {
    this.opts = opts;
    this.podCidr = new Ipv4Cidr(opts.podCidr).toString();
    this.run = commandRunner(opts.commandPrefix);
    this.nodes = nodes;
  }

  markDirty(full = false): void {
    this.dirty = true;
    this.fullPassDue ||= full;
    this.wake?.();
  }

  async applyKernelSettings(): Promise<void> {
    await applyPodKernelSettings(this.run, log);
  }

  /** One pass; full passes replace the table and diff routes against the kernel's. */
  async pass(): Promise<void> {
    const full = this.fullPassDue;
    this.dirty = false;
    this.fullPassDue = false;
    if (full) this.reachable.clear();
    const nodes = this.nodes.store.list();
    const ranges = clusterPodRanges(nodes, this.podCidr);
    const routes = await this.wantedRoutes(nodes);
    if (full) {
      await writeMasqueradeTable(this.run, this.podCidr, ranges);
      this.appliedRanges = ranges;
      this.appliedRoutes = await listPodRoutes(this.run);
    } else {
      await updatePodRanges(this.run, setChanges(this.appliedRanges, ranges));
      this.appliedRanges = ranges;
    }
    const changes = routeChanges(this.appliedRoutes, routes);
    await applyRouteChanges(this.run, changes);
    if (changes.replace.length || changes.remove.length) log.info({ replace: changes.replace, remove: changes.remove }, "pod routes changed");
    this.appliedRoutes = routes;
  }

  private async wantedRoutes(nodes: Node[]): Promise<Map<string, string>> {
    const candidates = [...candidateRoutes(nodes, this.opts.nodeName, this.podCidr).values()];
    const unknown = [...new Set(candidates.map((c) => c.via).filter((ip) => !this.reachable.has(ip)))];
    const reachable = await directlyReachable(this.run, unknown);
    for (const ip of unknown) this.reachable.set(ip, reachable.has(ip));
    const wanted = new Map<string, string>();
    const unreachable = new Set<string>();
    for (const { podCidr, via, node } of candidates) {
      if (this.reachable.get(via)) {
        wanted.set(podCidr, via);
        continue;
      }
      const key = `${node}/${via}`;
      unreachable.add(key);
      if (!this.reported.has(key)) log.warn({ node, address: via, podCidr }, "node is not on a directly attached network; its pods are unreachable from here (no overlay)");
    }
    this.reported = unreachable;
    return wanted;
  }

  /** Passes until the signal aborts, then removes everything of ours. */
  async loop(signal: AbortSignal): Promise<void> {
    const timer = setInterval(() => this.markDirty(true), FULL_SYNC_MS);
    const onAbort = () => this.wake?.();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (!this.dirty) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        try {
          await this.pass();
        } catch (err) {
          if (signal.aborted) break;
          log.error({ err: (err as Error).message }, "programming the pod network failed; retrying with a full pass");
          this.markDirty(true);
          await sleep(RETRY_MS, signal);
        }
      }
    } finally {
      clearInterval(timer);
      signal.removeEventListener("abort", onAbort);
      await this.cleanUp();
    }
  }

  async cleanUp(): Promise<void> {
    try {
      const ours = await listPodRoutes(this.run);
      await applyRouteChanges(this.run, { replace: [], remove: [...ours].map(([podCidr, via]) => ({ podCidr, via })) });
      await deleteMasqueradeTable(this.run);
    } catch (err) {
      log.error({ err: (err as Error).message }, "removing the pod network's routes and table failed");
    }
  }
}

/**
 * Sets the kernel up, programs routes and masquerade from the Nodes as they are once the informer has synced
 * (throwing if that first pass fails, after cleaning up), then follows Node changes until `signal` aborts; `done`
 * resolves once the routes and table are removed.
 */
export async function startPodNetwork(opts: PodNetworkOptions): Promise<{ done: Promise<void> }> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal.addEventListener("abort", onAbort, { once: true });
  if (opts.signal.aborted) stop.abort();
  const nodes = new Informer<Node>(opts.client.resource(R.nodes));
  const net = new PodNetwork(opts, nodes);
  try {
    await net.applyKernelSettings();
    nodes.addHandlers({ onAdd: () => net.markDirty(), onUpdate: () => net.markDirty(), onDelete: () => net.markDirty() });
    nodes.run(stop.signal);
    await Promise.race([nodes.waitForSync(), new Promise((resolve) => stop.signal.addEventListener("abort", resolve, { once: true }))]);
    if (stop.signal.aborted) throw new Error("stopped before the Node informer synced");
    await net.pass();
  } catch (err) {
    stop.abort();
    opts.signal.removeEventListener("abort", onAbort);
    await net.cleanUp();
    throw err;
  }
  const done = net.loop(stop.signal).finally(() => opts.signal.removeEventListener("abort", onAbort));
  return { done };
}
