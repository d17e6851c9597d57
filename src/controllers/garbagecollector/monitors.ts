// The garbage collector's view of the cluster: one metadata-only informer ("monitor") per resource it can act on
// (list, watch and delete), kept in step with discovery, plus the kind-to-resource mapping that owner references
// need. Dependents are found through an owner-uid index over every monitor; owners by their coordinates.
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { Client } from "../../client/rest-client.ts";
import type { ApiObject } from "../../client/resources.ts";
import type { ApiResource, DiscoveryResult } from "../../client/discovery.ts";
import { groupResource, parseGroupVersion, supportsVerbs } from "../../client/discovery.ts";
import { Informer, objectOf } from "../../client/informer.ts";
import { byOwnerUid } from "../../client/store.ts";

/** An object together with the resource it was seen through. */
export interface Tracked {
  resource: ApiResource;
  obj: ApiObject;
}

export interface MonitorHandlers {
  onAdd(t: Tracked): void;
  onUpdate(old: ApiObject, cur: Tracked): void;
  onDelete(t: Tracked): void;
}

/** Events are many, short-lived and never owners; upstream's collector ignores them too. */
const IGNORED = new Set(["events", "events.events.k8s.io"]);
const OWNER_INDEX = "ownerUid";

interface Monitor {
  resource: ApiResource;
  informer: Informer<ApiObject>;
  stop: AbortController;
}

const kindKey = (group: string, kind: string): string => `${kind}.${group}`;

export class Monitors {
  private readonly client: Client;
  private readonly handlers: MonitorHandlers;
  private readonly signal: AbortSignal;
  private readonly monitors = new Map<string, Monitor>();
  private kinds = new Map<string, ApiResource>();

  constructor(client: Client, handlers: MonitorHandlers, signal: AbortSignal) {
    this.client = client;
    this.handlers = handlers;
    this.signal = signal;
  }

  /**
   * Starts monitors for newly served resources and stops those of resources gone. What a failed group version
   * used to serve is kept: a group that did not answer this time has not necessarily gone away.
   */
  update(discovery: DiscoveryResult): void {
    const failedGroups = new Set(discovery.failures.map((f) => parseGroupVersion(f.groupVersion)?.group));
    const kinds = new Map<string, ApiResource>();
    for (const [key, r] of this.kinds) if (failedGroups.has(r.group)) kinds.set(key, r);
    for (const r of discovery.resources) kinds.set(kindKey(r.group, r.kind), r);
    this.kinds = kinds;

    const wanted = new Map<string, ApiResource>();
    for (const r of discovery.resources) {
      if (supportsVerbs(r, "list", "watch", "delete") && !IGNORED.has(groupResource(r))) wanted.set(groupResource(r), r);
    }
    for (const [gr, m] of this.monitors) {
      const want = wanted.get(gr);
      // A resource now served in another version is watched afresh through it.
      if (want ? want.version === m.resource.version : failedGroups.has(m.resource.group)) continue;
      m.stop.abort();
      this.monitors.delete(gr);
    }
    for (const [gr, r] of wanted) if (!this.monitors.has(gr)) this.monitors.set(gr, this.start(r));
  }

  private start(resource: ApiResource): Monitor {
    const informer = new Informer<ApiObject>(this.client.resource(resource, { asMetadata: true }), { indexers: { [OWNER_INDEX]: byOwnerUid } });
    informer.addHandlers({
      onAdd: (obj) => this.handlers.onAdd({ resource, obj }),
      onUpdate: (old, obj) => this.handlers.onUpdate(old, { resource, obj }),
      onDelete: (obj) => this.handlers.onDelete({ resource, obj: objectOf(obj) }),
    });
    const stop = new AbortController();
    informer.run(AbortSignal.any([this.signal, stop.signal]));
    return { resource, informer, stop };
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.monitors.values()].map((m) => m.informer.waitForSync()));
  }

  /** The monitored resource of this group resource ("replicasets.apps"). */
  resource(groupResource: string): ApiResource | undefined {
    return this.monitors.get(groupResource)?.resource;
  }

  /** The served resource of an owner reference's kind, whatever version the reference names. */
  mapping(apiVersion: string, kind: string): ApiResource | undefined {
    const gv = parseGroupVersion(apiVersion);
    return gv && this.kinds.get(kindKey(gv.group, kind));
  }

  cached(groupResource: string, namespace: string | undefined, name: string): ApiObject | undefined {
    return this.monitors.get(groupResource)?.informer.store.getByName(namespace, name);
  }

  /** The owner a reference from an object in `namespace` names, if the cache holds it with the same uid. */
  cachedOwner(ref: OwnerReference, namespace: string | undefined): Tracked | undefined {
    const resource = this.mapping(ref.apiVersion, ref.kind);
    if (!resource || (resource.namespaced && !namespace)) return undefined;
    const obj = this.cached(groupResource(resource), resource.namespaced ? namespace : undefined, ref.name);
    return obj?.metadata?.uid === ref.uid ? { resource, obj } : undefined;
  }

  /** Cached objects with an owner reference to this uid. */
  dependentsOf(uid: string): Tracked[] {
    const out: Tracked[] = [];
    for (const m of this.monitors.values()) for (const obj of m.informer.store.byIndex(OWNER_INDEX, uid)) out.push({ resource: m.resource, obj });
    return out;
  }
}
