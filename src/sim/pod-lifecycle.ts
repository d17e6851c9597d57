// Plays the kubelet for pods bound to simulated nodes: a pod starts at once (Running, every container ready, an IP
// from its node's range) and, once deleted, exits at once on SIGTERM, so the simulator removes it well within its
// grace period. One informer over bound pods feeds a work queue; writes go through a token bucket so a large
// rollout cannot crowd out everyone else's requests. Status writes carry the cached resourceVersion: a conflict
// means the cache is behind, and the retry starts from the newer cached pod.
import type { Pod } from "kubernetes-types/core/v1";
import { logger } from "../util/log.ts";
import { sleep } from "../util/sleep.ts";
import type { Client, ResourceClient } from "../client/rest-client.ts";
import { keyOf } from "../client/rest-client.ts";
import { R } from "../client/resources.ts";
import { Informer, objectOf } from "../client/informer.ts";
import { WorkQueue } from "../client/workqueue.ts";
import { BucketLimiter, ItemExponentialLimiter } from "../client/rate-limiter.ts";
import { isConflict, isNotFound } from "../client/errors.ts";
import { LeanResourceClient } from "./lean-resource-client.ts";
import { podCidrFor } from "./addresses.ts";
import { PodIpPool } from "./pod-ip-pool.ts";
import { podStatusCurrent, runningPodStatus, terminatedPodStatus } from "./pod-status.ts";
import type { PodNetwork } from "./pod-status.ts";
import type { NodeFleet, SimNode } from "./node-fleet.ts";
import { metaTime } from "../util/time.ts";

export interface PodLifecycleOptions {
  workers: number;
  writeQps: number;
  /** The node's spec.podCIDR, if it has one. */
  podCidrOf(node: SimNode): string | undefined;
  now(): Date;
}

const BY_NODE = "node";
/** Retries of one pod after which its failures are worth a warning. */
const WARN_AFTER_RETRIES = 5;

const isTerminal = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

export class PodLifecycle {
  private readonly fleet: NodeFleet;
  private readonly opts: PodLifecycleOptions;
  private readonly pods: ResourceClient<Pod>;
  private readonly informer: Informer<Pod>;
  private readonly queue = new WorkQueue<string>(new ItemExponentialLimiter<string>({ baseMs: 50, maxMs: 10_000 }));
  private readonly writes: BucketLimiter<string>;
  private readonly pools = new Map<string, PodIpPool>();
  /** Pods holding an address, by key: which pod (uid) on which node, so the address is freed when that pod goes. */
  private readonly holders = new Map<string, { uid: string; node: string }>();
  private readonly log = logger("sim-pods");
  private signal: AbortSignal | undefined;

  /** `watches` feeds the pod cache; `writes` carries status updates and deletes. */
  constructor(watches: Client, writes: Client, fleet: NodeFleet, opts: PodLifecycleOptions) {
    this.fleet = fleet;
    this.opts = opts;
    this.pods = writes.resource(R.pods);
    this.writes = new BucketLimiter<string>({ qps: opts.writeQps, burst: Math.max(1, Math.ceil(opts.writeQps / 10)) });
    // Unbound pods are none of a kubelet's business; the selector keeps them out of the cache.
    this.informer = new Informer(new LeanResourceClient(watches, R.pods), {
      fieldSelector: "spec.nodeName!=",
      indexers: { [BY_NODE]: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    });
    const enqueue = (pod: Pod) => {
      const key = keyOf(pod);
      if (this.fleet.get(pod.spec?.nodeName) || this.holders.has(key)) this.queue.add(key);
    };
    this.informer.addHandlers({ onAdd: enqueue, onUpdate: (_, pod) => enqueue(pod), onDelete: (pod) => enqueue(objectOf(pod)) });
  }

  /** Pods waiting for their node to register get their turn. */
  nodeRegistered(node: SimNode): void {
    for (const pod of this.informer.store.byIndex(BY_NODE, node.name)) this.queue.add(keyOf(pod));
  }

  /** Runs until the signal aborts; resolves once the workers have finished their current pod. */
  async run(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    signal.addEventListener("abort", () => this.queue.shutdown(), { once: true });
    this.informer.run(signal);
    await Promise.race([this.informer.waitForSync(), new Promise((r) => signal.addEventListener("abort", r, { once: true }))]);
    if (signal.aborted) return;
    this.reclaimAddresses();
    await Promise.all(Array.from({ length: this.opts.workers }, () => this.worker(signal)));
  }

  /** Addresses pods report from before a restart are theirs again before any new pod is given one. */
  private reclaimAddresses(): void {
    for (const pod of this.informer.store.list()) {
      const node = this.fleet.get(pod.spec?.nodeName);
      if (node && pod.status?.podIP && !pod.spec?.hostNetwork && !isTerminal(pod)) this.addressFor(pod, node);
    }
  }

  private async worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      // A stopped queue still hands out what it holds; stopping must not wait for that.
      if (key === undefined || signal.aborted) return;
      try {
        await this.reconcile(key);
        this.queue.forget(key);
      } catch (err) {
        const retries = this.queue.retries(key);
        const level = retries === WARN_AFTER_RETRIES ? "warn" : "debug";
        this.log[level]({ pod: key, retries, err: (err as Error).message }, "pod step failed; retrying");
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcile(key: string): Promise<void> {
    const pod = this.informer.store.get(key);
    const holder = this.holders.get(key);
    if (holder && (!pod || pod.metadata?.uid !== holder.uid || isTerminal(pod))) {
      this.pools.get(holder.node)?.release(holder.uid);
      this.holders.delete(key);
    }
    if (!pod || isTerminal(pod)) return;
    const node = this.fleet.get(pod.spec?.nodeName);
    if (node?.state !== "registered") return;
    if (pod.metadata?.deletionTimestamp) return this.terminate(pod, node);
    const wanted = runningPodStatus(pod, this.network(pod, node), metaTime(this.opts.now()));
    if (podStatusCurrent(pod, wanted)) return;
    await this.throttle();
    await this.pods.updateStatus({ ...pod, status: wanted });
  }

  /** Deletes the pod for good, as the kubelet does once its containers have exited. */
  private async terminate(pod: Pod, node: SimNode): Promise<void> {
    const { namespace, name, uid } = pod.metadata!;
    await this.throttle();
    let left: Pod | undefined;
    try {
      const answer = await this.pods.delete(namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid } });
      if ((answer as Pod).kind === "Pod") left = answer as Pod;
    } catch (err) {
      // Gone already, or the name now belongs to a new pod (uid precondition): nothing left to do for this one.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
    // Finalizers keep the pod: it must show its containers exited, or whoever holds the finalizer waits forever.
    if (left && !isTerminal(left)) {
      await this.throttle();
      await this.pods.updateStatus({ ...left, status: terminatedPodStatus(left, this.network(left, node), metaTime(this.opts.now())) });
    }
  }

  private network(pod: Pod, node: SimNode): PodNetwork {
    if (pod.spec?.hostNetwork) return { hostIP: node.internalIp, podIP: node.internalIp };
    return { hostIP: node.internalIp, podIP: this.addressFor(pod, node) };
  }

  private addressFor(pod: Pod, node: SimNode): string {
    let pool = this.pools.get(node.name);
    if (!pool) this.pools.set(node.name, (pool = new PodIpPool(podCidrFor(node.index, this.opts.podCidrOf(node)))));
    const uid = pod.metadata!.uid!;
    const ip = pool.assign(uid, pod.status?.podIP);
    if (!ip) throw new Error(`node ${node.name}: no free pod IP in ${pool.cidr}`);
    this.holders.set(keyOf(pod), { uid, node: node.name });
    return ip;
  }

  private async throttle(): Promise<void> {
    const wait = this.writes.when();
    if (wait > 0) await sleep(wait, this.signal);
  }
}
