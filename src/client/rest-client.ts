// A typed REST client for every resource: get, list, create, update, status updates, patches, deletes,
// subresources and watches, over any Transport.
import type { ObjectMeta, Status } from "kubernetes-types/meta/v1";
import type { Transport } from "./transport.ts";
import { readAll } from "./transport.ts";
import { statusErrorFrom } from "./errors.ts";
import { apiVersion } from "./resources.ts";
import type { ApiObject, ResourceRef } from "./resources.ts";
import { decodeWatch } from "./watch.ts";
import type { WatchEvent } from "./watch.ts";

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "Exact" | "NotOlderThan";
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export type PatchType = "merge" | "json" | "strategic" | "apply";

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/**
 * Asks for PartialObjectMetadata (objects, watch events) and PartialObjectMetadataList (lists): metadata only, for
 * clients such as the garbage collector that watch everything but need only names, owners and finalizers.
 */
const METADATA_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

export interface ResourceClientOptions {
  /** Send and receive metadata only (PartialObjectMetadata); default false. */
  asMetadata?: boolean;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export class Client {
  readonly transport: Transport;
  /** Sent as the User-Agent, so server logs and managedFields say who wrote. */
  readonly userAgent: string;

  constructor(transport: Transport, userAgent = "berth") {
    this.transport = transport;
    this.userAgent = userAgent;
  }

  resource<T extends ApiObject>(ref: ResourceRef<T>, opts: ResourceClientOptions = {}): ResourceClient<T> {
    return new ResourceClient<T>(this, ref, opts);
  }

  /** One request whose JSON answer is returned, or whose Status becomes a StatusError. */
  async json<R>(method: string, path: string, body?: unknown, contentType?: string, signal?: AbortSignal, accept?: string): Promise<R> {
    const headers: Record<string, string> = { "user-agent": this.userAgent };
    if (contentType) headers["content-type"] = contentType;
    if (accept) headers.accept = accept;
    const res = await this.transport.request({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    const text = await readAll(res.body);
    if (res.status >= 300) throw statusErrorFrom(res.status, text);
    return JSON.parse(text) as R;
  }

  /** Opens a streaming request; the caller reads the body. Non-2xx answers become a StatusError. */
  async stream(path: string, signal?: AbortSignal, accept?: string) {
    const headers: Record<string, string> = { "user-agent": this.userAgent };
    if (accept) headers.accept = accept;
    const res = await this.transport.request({ method: "GET", path, headers, signal });
    if (res.status >= 300) throw statusErrorFrom(res.status, await readAll(res.body));
    return res.body;
  }
}

export class ResourceClient<T extends ApiObject> {
  readonly ref: ResourceRef<T>;
  private readonly client: Client;
  private readonly accept: string | undefined;

  constructor(client: Client, ref: ResourceRef<T>, opts: ResourceClientOptions = {}) {
    this.client = client;
    this.ref = ref;
    this.accept = opts.asMetadata ? METADATA_ACCEPT : undefined;
  }

  /** The collection path, e.g. /apis/apps/v1/namespaces/ns/deployments. Cluster-wide when namespace is unset. */
  path(namespace?: string, name?: string, subresource?: string): string {
    const r = this.ref;
    let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${r.resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  private objectPath(obj: ApiObject, subresource?: string): string {
    const m = obj.metadata ?? {};
    return this.path(m.namespace, m.name ?? "", subresource);
  }

  get(namespace: string | undefined, name: string, signal?: AbortSignal): Promise<T> {
    return this.client.json<T>("GET", this.path(namespace, name), undefined, undefined, signal, this.accept);
  }

  list(opts: ListOptions = {}): Promise<ObjectList<T>> {
    const { namespace, ...params } = opts;
    return this.client.json<ObjectList<T>>("GET", this.path(namespace) + query({ ...params }), undefined, undefined, undefined, this.accept);
  }

  create(obj: T, opts: WriteOptions & { namespace?: string } = {}): Promise<T> {
    const ns = opts.namespace ?? obj.metadata?.namespace;
    const body = { apiVersion: apiVersion(this.ref), kind: this.ref.kind, ...obj };
    return this.client.json<T>("POST", this.path(ns) + query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? "All" : undefined }), body);
  }

  update(obj: T, opts: WriteOptions = {}): Promise<T> {
    const body = { apiVersion: apiVersion(this.ref), kind: this.ref.kind, ...obj };
    return this.client.json<T>("PUT", this.objectPath(obj) + query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? "All" : undefined }), body);
  }

  updateStatus(obj: T, opts: WriteOptions = {}): Promise<T> {
    const body = { apiVersion: apiVersion(this.ref), kind: this.ref.kind, ...obj };
    return this.client.json<T>("PUT", this.objectPath(obj, "status") + query({ fieldManager: opts.fieldManager }), body);
  }

  patch(namespace: string | undefined, name: string, patch: unknown, type: PatchType = "merge", opts: PatchOptions = {}): Promise<T> {
    const q = query({ fieldManager: opts.fieldManager ?? (type === "apply" ? this.client.userAgent : undefined), force: opts.force || undefined, dryRun: opts.dryRun ? "All" : undefined });
    return this.client.json<T>("PATCH", this.path(namespace, name, opts.subresource) + q, patch, PATCH_CONTENT_TYPES[type], undefined, this.accept);
  }

  /** Deletes one object; answers the object (when deletion is deferred by finalizers) or a Status. */
  delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    const body = { kind: "DeleteOptions", apiVersion: "v1", ...opts, dryRun: opts.dryRun ? ["All"] : undefined };
    return this.client.json<T | Status>("DELETE", this.path(namespace, name), body, undefined, undefined, this.accept);
  }

  deleteCollection(namespace: string | undefined, opts: DeleteOptions & { labelSelector?: string; fieldSelector?: string } = {}): Promise<unknown> {
    const { labelSelector, fieldSelector, ...rest } = opts;
    const body = { kind: "DeleteOptions", apiVersion: "v1", ...rest, dryRun: rest.dryRun ? ["All"] : undefined };
    return this.client.json("DELETE", this.path(namespace) + query({ labelSelector, fieldSelector }), body);
  }

  /** POSTs to a subresource such as pods/binding or pods/eviction. */
  createSubresource<B, R = unknown>(namespace: string | undefined, name: string, subresource: string, body: B): Promise<R> {
    return this.client.json<R>("POST", this.path(namespace, name, subresource), body);
  }

  async *watch(opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const { namespace, signal, ...params } = opts;
    const body = await this.client.stream(this.path(namespace) + query({ watch: 1, ...params }), signal, this.accept);
    yield* decodeWatch<T>(body);
  }
}

/** Shorthand for an object's namespace/name key, as informers and workqueues use. */
export function keyOf(obj: { metadata?: ObjectMeta }): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : m.name ?? "";
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
