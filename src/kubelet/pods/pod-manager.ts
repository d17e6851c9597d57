// The pods bound to this node: an informer over them feeds one worker per pod, a relist of the runtime every
// second (and after every action) notices containers that exit, and statuses are patched only when they change.
// A pod deleted in the API is killed within its grace period and then removed for good (the final delete with
// grace 0); runtime pods with no API object (left from before a restart, or force-deleted) are cleaned up.
import type { Pod, PodStatus } from "kubernetes-types/core/v1";
import type { Client, ResourceClient } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { Informer, objectOf } from "../../client/informer.ts";
import { isConflict, isNotFound } from "../../client/errors.ts";
import { logger } from "../../util/log.ts";
import { sleep } from "../../util/sleep.ts";
import type { WorkerDeps } from "./deps.ts";
import { PodWorker, gracePeriodSeconds } from "./pod-worker.ts";
import { RuntimeCache } from "./runtime-cache.ts";
import { podLogDirectory } from "./sandbox-config.ts";
import { join } from "node:path";

const log = logger("kubelet");
const RELIST_MS = 1_000;
/** Every pod is looked at this often even when nothing happens (volume contents, deadlines). */
const RESYNC_MS = 10_000;

export interface PodManagerOptions {
  client: Client;
  nodeName: string;
  deps: WorkerDeps;
  signal: AbortSignal;
}

interface Slot {
  worker: PodWorker;
  busy: boolean;
  again: boolean;
  timer?: NodeJS.Timeout;
  /** The last API object seen, kept to kill the pod properly after it vanishes from the API. */
  last?: Pod;
  /** When the worker last finished acting (performance.now()). */
  syncedAt?: number;
}

export class PodManager {
  private readonly opts: PodManagerOptions;
  private readonly pods: ResourceClient<Pod>;
  private readonly informer: Informer<Pod>;
  private readonly runtime: RuntimeCache;
  private readonly slots = new Map<string, Slot>();
  private readonly byUid = new Map<string, Pod>();
  private synced = false;

  constructor(opts: PodManagerOptions) {
    this.opts = opts;
    this.pods = opts.client.resource(R.pods);
    // Before the informer has synced a pod missing from it is not yet known to be gone: start() looks at all then.
    this.runtime = new RuntimeCache(opts.deps.cri, (uids) => {
      if (this.synced) for (const uid of uids) this.trigger(uid);
    });
    this.informer = new Informer(this.pods, { fieldSelector: `spec.nodeName=${opts.nodeName}` });
    this.informer.addHandlers({
      onAdd: (p) => this.observe(p),
      onUpdate: (_, p) => this.observe(p),
      onDelete: (p) => {
        const uid = objectOf(p).metadata!.uid!;
        this.byUid.delete(uid);
        this.trigger(uid);
      },
    });
  }

  async start(): Promise<void> {
    await this.runtime.relist();
    this.informer.run(this.opts.signal);
    await this.informer.waitForSync();
    this.synced = true;
    for (const uid of new Set([...this.byUid.keys(), ...this.runtime.uids()])) this.trigger(uid);
    void this.relistLoop();
  }

  podByUid(uid: string): Pod | undefined {
    return this.byUid.get(uid);
  }

  // For the streaming server: the pod's current sandbox, containers and log files, by the names in its URLs.

  sandboxId(ns: string, name: string): string | undefined {
    const pod = this.informer.store.getByName(ns, name);
    const sandbox = pod && this.runtime.pod(pod.metadata!.uid!).sandboxes[0];
    return sandbox?.state === "SANDBOX_READY" ? sandbox.id : undefined;
  }

  containerId(ns: string, name: string, container: string): string | undefined {
    const pod = this.informer.store.getByName(ns, name);
    return pod && this.runtime.pod(pod.metadata!.uid!).containers.get(container)?.[0]?.id;
  }

  /** The log file of the container's current instance, or of the one before it. */
  logPath(ns: string, name: string, container: string, previous: boolean): string | undefined {
    const pod = this.informer.store.getByName(ns, name);
    const instance = pod && this.runtime.pod(pod.metadata!.uid!).containers.get(container)?.[previous ? 1 : 0];
    return instance ? join(podLogDirectory(this.opts.deps.sandbox, pod), `${container}/${instance.restartCount}.log`) : undefined;
  }

  probeChanged(uid: string, containerName: string, livenessFailed: boolean): void {
    if (livenessFailed) this.slots.get(uid)?.worker.livenessFailure(containerName);
    this.trigger(uid);
  }

  private observe(pod: Pod): void {
    const uid = pod.metadata!.uid!;
    this.byUid.set(uid, pod);
    if (this.synced) this.trigger(uid);
  }

  private async relistLoop(): Promise<void> {
    const signal = this.opts.signal;
    while (!signal.aborted) {
      await sleep(RELIST_MS, signal).catch(() => undefined);
      if (signal.aborted) return;
      try {
        await this.runtime.relist();
      } catch (err) {
        log.warn({ err: (err as Error).message }, "relisting the runtime failed");
      }
    }
  }

  private trigger(uid: string): void {
    if (this.opts.signal.aborted) return;
    let slot = this.slots.get(uid);
    if (!slot) this.slots.set(uid, (slot = { worker: new PodWorker(uid, this.opts.deps), busy: false, again: false }));
    if (slot.busy) {
      slot.again = true;
      return;
    }
    clearTimeout(slot.timer);
    slot.busy = true;
    void this.run(uid, slot);
  }

  private async run(uid: string, slot: Slot): Promise<void> {
    let next: number | undefined = RESYNC_MS;
    try {
      next = await this.syncOnce(uid, slot);
    } catch (err) {
      log.warn({ err: (err as Error).stack ?? String(err), uid }, "pod sync failed");
      next = 2_000;
    }
    slot.busy = false;
    if (next === undefined) {
      this.slots.delete(uid);
      return;
    }
    if (slot.again) {
      slot.again = false;
      this.trigger(uid);
      return;
    }
    slot.timer = setTimeout(() => this.trigger(uid), Math.min(next, RESYNC_MS));
    slot.timer.unref();
  }

  /** One pass over a pod; resolves with when to look again, or undefined once the pod is gone for good. */
  private async syncOnce(uid: string, slot: Slot): Promise<number | undefined> {
    // Decide on a runtime view that already shows what this worker did last time; the once-a-second relist
    // usually provides one, so most syncs list nothing themselves.
    await this.runtime.listedSince(slot.syncedAt ?? 0);
    try {
      const runtime = this.runtime.pod(uid);
      const pod = this.byUid.get(uid);
      if (pod) slot.last = pod;
      if (!pod || pod.metadata!.deletionTimestamp) {
        const last = pod ?? slot.last;
        await slot.worker.terminate(last, runtime, last ? gracePeriodSeconds(last) : 0);
        if (pod) await this.finalDelete(pod);
        return undefined;
      }
      if (runtime.sandboxes.length === 0 && runtime.containers.size === 0 && isTerminal(pod)) return undefined;
      const { status, requeueAfterMs } = await slot.worker.sync(pod, runtime);
      await this.writeStatus(pod, status);
      return requeueAfterMs ?? RESYNC_MS;
    } finally {
      slot.syncedAt = performance.now();
    }
  }

  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    if (JSON.stringify(status) === JSON.stringify(pod.status ?? {})) return;
    try {
      const updated = await this.pods.patch(pod.metadata!.namespace!, pod.metadata!.name!, { metadata: { uid: pod.metadata!.uid }, status }, "merge", { subresource: "status" });
      // The informer will deliver this too; keeping it now makes the next sync compare against what was written.
      if (this.byUid.has(pod.metadata!.uid!)) this.byUid.set(pod.metadata!.uid!, updated);
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }

  /** Deletion finishes once the containers are gone: the object is removed with grace 0, as upstream's kubelet does. */
  private async finalDelete(pod: Pod): Promise<void> {
    try {
      await this.pods.delete(pod.metadata!.namespace!, pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}

const isTerminal = (pod: Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
