// The generic REST store of one resource over the Storage interface: upstream's registry/generic Store.
// Every write runs the same pipeline — metadata rules, defaulting, admission, validation, managedFields —
// and lands with compare-and-swap on the object's revision, retrying internally only where the client did
// not pin a resourceVersion.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { apiVersionOf } from "../../api/scheme.ts";
import { badRequest, conflict, StatusError, invalid, notFound, storageInvalidObjectMessage, uidPreconditionMessage } from "../../api/errors.ts";
import type { GroupResource } from "../../api/errors.ts";
import type { KeyValue, Storage } from "../../storage/interface.ts";
import { StorageError } from "../../storage/interface.ts";
import type { UserInfo } from "../authn/user.ts";
import { runAdmission } from "../admission/types.ts";
import type { AdmissionPlugin } from "../admission/types.ts";
import { decodeStored, encodeForStorage, objectKey, withStoredJson } from "./codec.ts";
import { generateNameFrom, prepareMetadataForCreate, prepareMetadataForUpdate, rfc3339 } from "./metadata.ts";
import { toStatusError } from "./storage-errors.ts";
import { validateForCreate, validateForUpdate } from "./validate.ts";
import { trackManagedFields } from "./managed-fields.ts";
import { prepareKindForCreate, prepareKindForUpdate } from "./kind-rules.ts";
import { omitEmpty } from "./omit-empty.ts";
import { schemaFor } from "./schema.ts";
import { cloneJson, jsonEqual } from "../patch/json.ts";

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  user: UserInfo | undefined;
  subresource?: string;
  /** The object's managedFields were already computed by server-side apply: keep them. */
  applied?: boolean;
  /** A system write with its own checks (pods/binding, namespaces/finalize): skips the kind's update validation. */
  skipValidation?: boolean;
  /**
   * A system write that changes status along with the rest (pods/binding adds the PodScheduled condition as it
   * sets spec.nodeName): the desired object's status is written instead of the stored one being kept.
   */
  withStatus?: boolean;
  /**
   * The written object is the stored one with a patch applied: a uid it carries is data, validated as immutable
   * (422), not a precondition (409) as in an update's body. As upstream.
   */
  patched?: boolean;
}

export interface DeleteOptions {
  dryRun: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
  user: UserInfo | undefined;
}

export interface DeleteResult {
  object: KubeObject;
  /** False when the object still exists, waiting for finalizers or a graceful termination. */
  deleted: boolean;
}

export interface StoreDeps {
  storage: Storage;
  admission: readonly AdmissionPlugin[];
  now: () => Date;
  /**
   * The watch cache's copy of a key, if it has one: updates start from it instead of reading the datastore (one
   * etcd round trip saved), as upstream's cachedExistingObject. A stale copy is caught and read again.
   */
  cached?: (key: string) => { value: string; modRevision: number } | undefined;
}

/** Kinds whose creator may set status (a kubelet registers its Node with capacity and conditions), as upstream. */
const KEEPS_STATUS_ON_CREATE = new Set(["Namespace", "Node"]);
const MAX_RETRIES = 16;
const GENERATE_NAME_ATTEMPTS = 8;

export class ResourceStore {
  readonly rt: ResourceType;
  readonly gr: GroupResource;
  private readonly deps: StoreDeps;

  constructor(rt: ResourceType, deps: StoreDeps) {
    this.rt = rt;
    this.gr = { group: rt.group, resource: rt.plural };
    this.deps = deps;
  }

  key(namespace: string | undefined, name: string): string {
    return objectKey(this.rt, namespace, name);
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.read(namespace, name);
    if (!kv) throw notFound(this.gr, name);
    return withStoredJson(decodeStored(kv.value, kv.modRevision), kv.value, kv.modRevision);
  }

  /** Creates the object; `obj` becomes the store's (callers pass a freshly decoded body). */
  async create(namespace: string | undefined, obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    this.checkTypeMeta(obj);
    const meta = (obj.metadata ??= {});
    if (this.rt.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = generateNameFrom(meta.generateName!);
    const now = this.deps.now();
    prepareMetadataForCreate(obj, this.rt, now);
    if (this.rt.status && !KEEPS_STATUS_ON_CREATE.has(this.rt.kind)) delete obj.status;
    prepareKindForCreate(this.rt, obj);
    omitEmpty(obj, schemaFor(this.rt));
    this.rt.strategy.defaults?.(obj);
    const finishers: (() => void)[] = [];
    try {
      return await this.createAdmitted(namespace, obj, opts, generated, now, finishers);
    } finally {
      for (const f of finishers) f();
    }
  }

  private async createAdmitted(namespace: string | undefined, obj: KubeObject, opts: WriteOptions, generated: boolean, now: Date, finishers: (() => void)[]): Promise<KubeObject> {
    const name = obj.metadata!.name ?? "";
    const attrs = { operation: "CREATE" as const, resource: this.rt, subresource: undefined, namespace, name, object: obj, old: undefined, user: opts.user, dryRun: opts.dryRun, onFinish: (f: () => void) => finishers.push(f) };
    await runAdmission(this.deps.admission, "admit", attrs);
    const errors = validateForCreate(this.rt, obj);
    if (errors.length) throw invalid({ group: this.rt.group, kind: this.rt.kind }, name, errors);
    await runAdmission(this.deps.admission, "validate", attrs);
    if (!opts.applied) trackManagedFields(this.rt, undefined, obj, opts.fieldManager, undefined, now);
    if (opts.dryRun) return obj;
    // A generated name that is taken is drawn again, as upstream 1.32 does (RetryGenerateName).
    for (let attempt = 1; ; attempt++) {
      try {
        const value = encodeForStorage(obj);
        const kv = await this.deps.storage.create(this.key(namespace, obj.metadata!.name!), value);
        return withStoredJson(withVersion(obj, kv.modRevision), value, kv.modRevision);
      } catch (err) {
        const taken = err instanceof StorageError && err.code === "KeyExists";
        if (!(generated && taken && attempt < GENERATE_NAME_ATTEMPTS)) throw toStatusError(err, this.gr, obj.metadata!.name!);
        obj.metadata!.name = generateNameFrom(obj.metadata!.generateName!);
      }
    }
  }

  /**
   * Read-modify-write with compare-and-swap. `mutate` gets a private copy of the stored object and returns the
   * desired object; it runs again on a lost race unless the desired object pins a resourceVersion.
   */
  async update(
    namespace: string | undefined,
    name: string,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions,
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      // The first attempt may start from the watch cache; anything that might be due to a stale copy (a failed
      // precondition, an error, a no-op, a removal) is decided only on the datastore's own copy.
      const suggested = attempt === 0 ? this.deps.cached?.(key) : undefined;
      const fromCache = suggested !== undefined;
      const kv = suggested ? { key, createRevision: 0, ...suggested } : await this.read(namespace, name);
      if (!kv) throw notFound(this.gr, name);
      const cur = decodeStored(kv.value, kv.modRevision);
      let next: KubeObject;
      let pinned: string | undefined;
      try {
        const desired = await mutate(cloneJson(cur));
        // As upstream, an update whose object names a uid means that object: if it was replaced under the same
        // name, the write fails as a storage precondition would, before the resourceVersion is compared.
        const uid = desired.metadata?.uid;
        if (uid && !opts.patched && uid !== cur.metadata!.uid) {
          throw conflict(this.gr, name, storageInvalidObjectMessage(key, uidPreconditionMessage(uid, cur.metadata!.uid)));
        }
        pinned = desired.metadata?.resourceVersion;
        if (pinned !== undefined && pinned !== "" && pinned !== cur.metadata!.resourceVersion) throw conflict(this.gr, name);
        next = await this.prepareUpdate(namespace, name, desired, cur, opts);
      } catch (err) {
        if (fromCache) continue;
        throw err;
      }
      const noChange = jsonEqual(stripVersion(next), stripVersion(cur));
      const removal = !!next.metadata?.deletionTimestamp && !this.blocksDeletion(next) && !cur.metadata?.deletionGracePeriodSeconds;
      if (fromCache && (noChange || removal || opts.dryRun)) continue;
      if (noChange) return cur;
      // The last finalizer of an object being deleted was removed: the object goes away now.
      if (removal) return (await this.remove(namespace, name, kv, opts.dryRun)).object;
      if (opts.dryRun) return withVersion(next, kv.modRevision);
      try {
        const value = encodeForStorage(next);
        const written = await this.deps.storage.update(this.key(namespace, name), value, kv.modRevision);
        return withStoredJson(withVersion(next, written.modRevision), value, written.modRevision);
      } catch (err) {
        const retry = err instanceof StorageError && err.code === "Conflict" && !pinned && attempt < MAX_RETRIES;
        if (!retry) throw toStatusError(err, this.gr, name);
      }
    }
  }

  private async prepareUpdate(namespace: string | undefined, name: string, desired: KubeObject, cur: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const givenUid = desired.metadata?.uid;
    const next = opts.subresource === "status" ? { ...cur, status: desired.status } : desired;
    this.checkTypeMeta(next);
    next.apiVersion = apiVersionOf(this.rt);
    next.kind = this.rt.kind;
    const meta = (next.metadata ??= {});
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    if (this.rt.namespaced) meta.namespace = namespace;
    if (opts.subresource === "status") {
      next.metadata = { ...cur.metadata, managedFields: cur.metadata?.managedFields ?? [] };
    } else if (this.rt.status && !opts.withStatus) {
      if (cur.status === undefined) delete next.status;
      else next.status = cur.status;
    }
    prepareMetadataForUpdate(next, cur, this.rt);
    // The stored uid fills in only a missing one (upstream's BeforeUpdate): a different one fails validation as
    // immutable, the status subresource included.
    if (givenUid) next.metadata!.uid = givenUid;
    prepareKindForUpdate(this.rt, next, cur, opts.subresource);
    // An unconditional update validates as if it named the current version (as upstream's guaranteed update).
    next.metadata!.resourceVersion = cur.metadata!.resourceVersion;
    omitEmpty(next, schemaFor(this.rt));
    this.rt.strategy.defaults?.(next);
    const attrs = { operation: "UPDATE" as const, resource: this.rt, subresource: opts.subresource, namespace, name, object: next, old: cur, user: opts.user, dryRun: opts.dryRun, onFinish: (f: () => void) => f() };
    await runAdmission(this.deps.admission, "admit", attrs);
    const errors = opts.skipValidation ? [] : validateForUpdate(this.rt, next, cur);
    if (errors.length) throw invalid({ group: this.rt.group, kind: this.rt.kind }, name, errors);
    await runAdmission(this.deps.admission, "validate", attrs);
    if (!opts.applied) trackManagedFields(this.rt, cur, next, opts.fieldManager, opts.subresource, this.deps.now());
    return next;
  }

  async delete(namespace: string | undefined, name: string, opts: DeleteOptions): Promise<DeleteResult> {
    for (let attempt = 0; ; attempt++) {
      const kv = await this.read(namespace, name);
      if (!kv) throw notFound(this.gr, name);
      const cur = decodeStored(kv.value, kv.modRevision);
      checkPreconditions(this.gr, name, cur, opts.preconditions);
      await runAdmission(this.deps.admission, "validate", { operation: "DELETE", resource: this.rt, subresource: undefined, namespace, name, object: cur, old: cur, user: opts.user, dryRun: opts.dryRun, onFinish: (f) => f() });
      const pending = this.pendingDeletion(cur, opts);
      if (!pending) {
        // A write racing the delete (e.g. a controller's status update) is retried on the new version, whose
        // preconditions are checked again above.
        try {
          return await this.remove(namespace, name, kv, opts.dryRun);
        } catch (err) {
          if (err instanceof StatusError && err.reason === "Conflict" && attempt < MAX_RETRIES) continue;
          throw err;
        }
      }
      if (jsonEqual(pending, cur)) return { object: cur, deleted: false };
      if (opts.dryRun) return { object: pending, deleted: false };
      try {
        const written = await this.deps.storage.update(this.key(namespace, name), encodeForStorage(pending), kv.modRevision);
        return { object: withVersion(pending, written.modRevision), deleted: false };
      } catch (err) {
        if (!(err instanceof StorageError && err.code === "Conflict" && attempt < MAX_RETRIES)) throw toStatusError(err, this.gr, name);
      }
    }
  }

  /**
   * The object as it should be stored while its deletion waits (finalizers, graceful pod termination, namespace
   * content), or undefined when it can go at once.
   */
  private pendingDeletion(cur: KubeObject, opts: DeleteOptions): KubeObject | undefined {
    const obj = cloneJson(cur);
    const meta = obj.metadata!;
    const finalizers = [...(meta.finalizers ?? [])];
    const addFinalizer = (f: string) => { if (!finalizers.includes(f)) finalizers.push(f); };
    if (opts.propagationPolicy === "Orphan") addFinalizer("orphan");
    if (opts.propagationPolicy === "Foreground") addFinalizer("foregroundDeletion");
    const grace = this.gracePeriod(cur, opts);
    const namespaceContent = this.rt.kind === "Namespace" && ((cur.spec as { finalizers?: string[] })?.finalizers?.length ?? 0) > 0;
    if (finalizers.length === 0 && grace === 0 && !namespaceContent) return undefined;
    if (finalizers.length) meta.finalizers = finalizers;
    const now = this.deps.now();
    if (!meta.deletionTimestamp || (grace < (meta.deletionGracePeriodSeconds ?? Infinity))) {
      meta.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
      meta.deletionGracePeriodSeconds = grace;
    }
    if (this.rt.kind === "Namespace") obj.status = { ...(obj.status as object), phase: "Terminating" };
    return obj;
  }

  /** Graceful deletion applies to pods on a node (the node agent finishes it); everything else is immediate. */
  private gracePeriod(cur: KubeObject, opts: DeleteOptions): number {
    if (this.rt.kind !== "Pod") return 0;
    const spec = cur.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const phase = (cur.status as { phase?: string } | undefined)?.phase;
    if (!spec?.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
    const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  }

  private async remove(namespace: string | undefined, name: string, kv: KeyValue, dryRun: boolean): Promise<DeleteResult> {
    const cur = decodeStored(kv.value, kv.modRevision);
    if (dryRun) return { object: cur, deleted: true };
    try {
      const { revision } = await this.deps.storage.delete(this.key(namespace, name), kv.modRevision);
      return { object: withVersion(cur, revision), deleted: true };
    } catch (err) {
      throw toStatusError(err, this.gr, name);
    }
  }

  /** Finalizers, or a namespace's spec.finalizers (its content is still being removed), hold a deletion. */
  private blocksDeletion(obj: KubeObject): boolean {
    if (hasFinalizers(obj)) return true;
    return this.rt.kind === "Namespace" && ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0;
  }

  private async read(namespace: string | undefined, name: string): Promise<KeyValue | undefined> {
    try {
      return await this.deps.storage.get(this.key(namespace, name));
    } catch (err) {
      throw toStatusError(err, this.gr, name);
    }
  }

  private checkTypeMeta(obj: KubeObject): void {
    const want = apiVersionOf(this.rt);
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (obj.kind !== undefined && obj.kind !== this.rt.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${this.rt.kind})`);
    }
    obj.apiVersion = want;
    obj.kind = this.rt.kind;
  }
}

function withVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

function stripVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  return { ...obj, metadata: meta };
}

const hasFinalizers = (obj: KubeObject): boolean => (obj.metadata?.finalizers?.length ?? 0) > 0;

function checkPreconditions(gr: GroupResource, name: string, cur: KubeObject, pre: DeleteOptions["preconditions"]): void {
  if (pre?.uid && pre.uid !== cur.metadata?.uid) {
    throw conflict(gr, name, uidPreconditionMessage(pre.uid, cur.metadata?.uid));
  }
  if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata?.resourceVersion) {
    throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata?.resourceVersion}`);
  }
}
