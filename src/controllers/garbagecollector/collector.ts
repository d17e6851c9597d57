// The garbage collector, after upstream's pkg/controller/garbagecollector: deletes objects whose owners are all
// gone, drives foreground deletion (dependents first, then the owner's finalizer) and orphaning (owner references
// removed, then the finalizer). Informer events only enqueue keys; the cache decides when nothing needs doing, and
// every delete or patch is decided on live objects (an owner is absent only if a live GET says so).
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { ControllerContext } from "../context.ts";
import { Controller } from "../controller.ts";
import type { EventRecorder } from "../../client/events.ts";
import type { ApiResource } from "../../client/discovery.ts";
import { discoverResources } from "../../client/discovery.ts";
import type { ApiObject } from "../../client/resources.ts";
import { apiVersion } from "../../client/resources.ts";
import type { DeleteOptions } from "../../client/rest-client.ts";
import { isConflict, isNotFound } from "../../client/errors.ts";
import { logger } from "../../util/log.ts";
import { sleep } from "../../util/sleep.ts";
import { AbsentOwners } from "./absent-owners.ts";
import type { ObjectId } from "./identity.ts";
import { idOf, idOfKey, keyOfId } from "./identity.ts";
import { Monitors } from "./monitors.ts";
import type { Tracked } from "./monitors.ts";
import { blocksOwner, FOREGROUND, hasFinalizer, isDeletingDependents, isOrphaning, ORPHAN, ownerRefsOf, sameOwnerRefs } from "./owner-refs.ts";

export interface GarbageCollectorOptions {
  /** How often discovery is read again so new resources are monitored (ms). Default 30 s. */
  rediscoverMs?: number;
}

const REDISCOVER_MS = 30_000;
const DISCOVERY_RETRY_MS = 1000;
/** Workers start once the monitors have listed, or after this long: live lookups keep them right either way. */
const SYNC_WAIT_MS = 30_000;
const CONFLICT_ATTEMPTS = 5;

interface Verdict {
  /** Owners that exist. */
  solid: OwnerReference[];
  /** Owners that are gone, or replaced by an object of the same name and another uid. */
  dangling: OwnerReference[];
  /** Owners that exist but are deleting their dependents in the foreground. */
  waiting: OwnerReference[];
}

const keyOf = (t: Tracked): string => keyOfId(idOf(t.resource, t.obj));

export class GarbageCollector {
  private readonly ctx: ControllerContext;
  private readonly monitors: Monitors;
  /** Objects to check against their owners, and owners deleting in the foreground. */
  private readonly deleter: Controller;
  /** Owners whose dependents must be orphaned. */
  private readonly orphaner: Controller;
  private readonly absent = new AbsentOwners();
  private readonly recorder: EventRecorder;
  private readonly log = logger("garbagecollector");

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
    this.recorder = ctx.recorder("garbage-collector-controller");
    this.deleter = new Controller("garbagecollector", (key) => this.attemptToDelete(idOfKey(key)), { workers: 4 });
    this.orphaner = new Controller("garbagecollector-orphan", (key) => this.attemptToOrphan(idOfKey(key)));
    this.monitors = new Monitors(ctx.client, {
      onAdd: (t) => this.onAdd(t),
      onUpdate: (old, t) => this.onUpdate(old, t),
      onDelete: (t) => this.onDelete(t),
    }, ctx.signal);
  }

  /** Discovers resources, starts monitors and workers; resolves once ctx.signal aborts and the workers stopped. */
  async run(opts: GarbageCollectorOptions = {}): Promise<void> {
    const { signal } = this.ctx;
    while (!signal.aborted && !(await this.rediscover())) await sleep(DISCOVERY_RETRY_MS, signal);
    await Promise.race([this.monitors.waitForSync(), sleep(SYNC_WAIT_MS, signal)]);
    if (signal.aborted) return;
    const timer = setInterval(() => void this.rediscover(), opts.rediscoverMs ?? REDISCOVER_MS);
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
    await Promise.all([this.deleter.run(signal), this.orphaner.run(signal)]);
  }

  private async rediscover(): Promise<boolean> {
    try {
      this.monitors.update(await discoverResources(this.ctx.client, this.ctx.signal));
      return true;
    } catch (err) {
      if (!this.ctx.signal.aborted) this.log.warn({ err: (err as Error).message }, "discovery failed");
      return false;
    }
  }

  private onAdd(t: Tracked): void {
    if (ownerRefsOf(t.obj).length) this.deleter.enqueue(keyOf(t));
    if (isDeletingDependents(t.obj)) this.dependentsFirst(t);
    if (isOrphaning(t.obj)) this.orphaner.enqueue(keyOf(t));
  }

  private onUpdate(old: ApiObject, t: Tracked): void {
    if (!sameOwnerRefs(old, t.obj)) {
      this.deleter.enqueue(keyOf(t));
      this.wakeDeletingOwners(old);
      this.wakeDeletingOwners(t.obj);
    }
    if (!isDeletingDependents(old) && isDeletingDependents(t.obj)) this.dependentsFirst(t);
    if (!isOrphaning(old) && isOrphaning(t.obj)) this.orphaner.enqueue(keyOf(t));
  }

  private onDelete(t: Tracked): void {
    const uid = t.obj.metadata?.uid;
    if (uid) for (const d of this.monitors.dependentsOf(uid)) this.deleter.enqueue(keyOf(d));
    this.wakeDeletingOwners(t.obj);
  }

  /** An owner entering foreground deletion: its dependents are looked at, and it waits for the blocking ones. */
  private dependentsFirst(t: Tracked): void {
    this.deleter.enqueue(keyOf(t));
    for (const d of this.monitors.dependentsOf(t.obj.metadata!.uid!)) this.deleter.enqueue(keyOf(d));
  }

  /** Owners deleting in the foreground look again when one of their dependents goes or changes its references. */
  private wakeDeletingOwners(obj: ApiObject): void {
    for (const ref of ownerRefsOf(obj)) {
      const owner = this.monitors.cachedOwner(ref, obj.metadata?.namespace);
      if (owner && isDeletingDependents(owner.obj)) this.deleter.enqueue(keyOf(owner));
    }
  }

  private async attemptToDelete(id: ObjectId): Promise<void> {
    const resource = this.monitors.resource(id.resource);
    if (!resource || this.settledInCache(id)) return;
    const latest = await this.getLive(resource, id.namespace, id.name);
    // Gone or replaced: the delete event of the object we knew has woken its dependents.
    if (!latest || latest.metadata?.uid !== id.uid) return;
    if (latest.metadata.deletionTimestamp) {
      if (isDeletingDependents(latest)) await this.finishForeground(resource, latest);
      return;
    }
    const refs = ownerRefsOf(latest);
    if (!refs.length) return;
    const verdict = await this.classify(resource, latest, refs);
    if (!verdict) return;
    if (verdict.solid.length) {
      const stale = [...verdict.dangling, ...verdict.waiting].map((r) => r.uid);
      if (stale.length) await this.removeOwnerRefs(resource, latest, stale);
      return;
    }
    const dependents = this.monitors.dependentsOf(id.uid);
    if (verdict.waiting.length && dependents.length) {
      // A dependent of ours deleting in the foreground may wait for us while we wait for our owner: as upstream,
      // stop blocking our owners before going the same way.
      if (dependents.some((d) => isDeletingDependents(d.obj))) await this.unblockOwnerRefs(resource, latest);
      await this.deleteObject(resource, latest, "Foreground");
      return;
    }
    await this.deleteObject(resource, latest, hasFinalizer(latest, ORPHAN) ? "Orphan" : hasFinalizer(latest, FOREGROUND) ? "Foreground" : "Background");
  }

  /** The cache shows nothing to do: the object is not being deleted and every owner is present and not deleting in the foreground. */
  private settledInCache(id: ObjectId): boolean {
    const obj = this.monitors.cached(id.resource, id.namespace, id.name);
    if (!obj || obj.metadata?.uid !== id.uid || obj.metadata.deletionTimestamp) return false;
    return ownerRefsOf(obj).every((ref) => {
      const owner = this.monitors.cachedOwner(ref, id.namespace);
      return owner !== undefined && !isDeletingDependents(owner.obj);
    });
  }

  /**
   * Looks each owner up live. Undefined when the object can never be collected: a cluster-scoped object naming a
   * namespaced owner (upstream reports it and does not retry).
   */
  private async classify(resource: ApiResource, obj: ApiObject, refs: OwnerReference[]): Promise<Verdict | undefined> {
    const namespace = obj.metadata?.namespace || undefined;
    const verdict: Verdict = { solid: [], dangling: [], waiting: [] };
    for (const ref of refs) {
      const ownerResource = this.monitors.mapping(ref.apiVersion, ref.kind);
      if (!ownerResource) throw new Error(`no served resource for kind ${ref.kind} in ${ref.apiVersion}`);
      if (ownerResource.namespaced && !namespace) {
        this.recorder.event({ apiVersion: apiVersion(resource), kind: resource.kind, metadata: obj.metadata }, "Warning", "OwnerRefInvalidNamespace",
          `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`);
        return undefined;
      }
      // A namespaced owner must be in the dependent's namespace; one elsewhere with the same uid does not count.
      const ownerNamespace = ownerResource.namespaced ? namespace : undefined;
      const absentKey = JSON.stringify([ownerNamespace ?? "", ownerResource.group, ref.kind, ref.name, ref.uid]);
      const owner = this.absent.has(absentKey) ? undefined : await this.getLive(ownerResource, ownerNamespace, ref.name);
      if (!owner || owner.metadata?.uid !== ref.uid) {
        this.absent.add(absentKey);
        verdict.dangling.push(ref);
      } else if (isDeletingDependents(owner)) {
        verdict.waiting.push(ref);
      } else {
        verdict.solid.push(ref);
      }
    }
    return verdict;
  }

  /** An owner deleting in the foreground loses its finalizer once no dependent blocks it. */
  private async finishForeground(resource: ApiResource, owner: ApiObject): Promise<void> {
    const uid = owner.metadata!.uid!;
    const blocking = this.monitors.dependentsOf(uid).filter((d) => blocksOwner(d.obj, uid));
    if (!blocking.length) return this.removeFinalizer(resource, owner, FOREGROUND);
    // Each one's own deletion wakes us again.
    for (const d of blocking) if (!isDeletingDependents(d.obj)) this.deleter.enqueue(keyOf(d));
  }

  private async attemptToOrphan(id: ObjectId): Promise<void> {
    const resource = this.monitors.resource(id.resource);
    if (!resource) return;
    const owner = await this.getLive(resource, id.namespace, id.name);
    if (!owner || owner.metadata?.uid !== id.uid || !isOrphaning(owner)) return;
    await Promise.all(this.monitors.dependentsOf(id.uid).map((d) => this.removeOwnerRefs(d.resource, d.obj, [id.uid])));
    await this.removeFinalizer(resource, owner, ORPHAN);
  }

  private removeOwnerRefs(resource: ApiResource, obj: ApiObject, uids: string[]): Promise<void> {
    return this.patchLatest(resource, obj, (latest) => {
      const refs = ownerRefsOf(latest);
      const kept = refs.filter((r) => !uids.includes(r.uid));
      return kept.length === refs.length ? undefined : { ownerReferences: kept.length ? kept : null };
    });
  }

  private unblockOwnerRefs(resource: ApiResource, obj: ApiObject): Promise<void> {
    return this.patchLatest(resource, obj, (latest) => {
      const refs = ownerRefsOf(latest);
      if (!refs.some((r) => r.blockOwnerDeletion)) return undefined;
      return { ownerReferences: refs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)) };
    });
  }

  private removeFinalizer(resource: ApiResource, obj: ApiObject, finalizer: string): Promise<void> {
    return this.patchLatest(resource, obj, (latest) => {
      const finalizers = latest.metadata?.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      const kept = finalizers.filter((f) => f !== finalizer);
      return { finalizers: kept.length ? kept : null };
    });
  }

  /**
   * Merge-patches the metadata `change` asks of the object's latest version, pinned to that version so no
   * concurrent write is lost (a conflict reads again). A gone or replaced object, or no change, needs nothing.
   */
  private async patchLatest(resource: ApiResource, obj: ApiObject, change: (latest: ApiObject) => Record<string, unknown> | undefined): Promise<void> {
    const { namespace, name = "", uid } = obj.metadata ?? {};
    for (let attempt = 1; ; attempt++) {
      const latest = await this.getLive(resource, namespace, name);
      if (!latest || latest.metadata?.uid !== uid) return;
      const metadata = change(latest);
      if (!metadata) return;
      try {
        await this.metadataClient(resource).patch(namespace, name, { metadata: { ...metadata, resourceVersion: latest.metadata!.resourceVersion } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS) throw err;
      }
    }
  }

  private async deleteObject(resource: ApiResource, obj: ApiObject, propagationPolicy: NonNullable<DeleteOptions["propagationPolicy"]>): Promise<void> {
    const m = obj.metadata!;
    try {
      await this.metadataClient(resource).delete(m.namespace, m.name!, { propagationPolicy, preconditions: { uid: m.uid } });
    } catch (err) {
      // Gone already, or replaced (the uid precondition failed): nothing of ours left to delete.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  private async getLive(resource: ApiResource, namespace: string | undefined, name: string): Promise<ApiObject | undefined> {
    try {
      return await this.metadataClient(resource).get(namespace, name, this.ctx.signal);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private metadataClient(resource: ApiResource) {
    return this.ctx.client.resource(resource, { asMetadata: true });
  }
}
