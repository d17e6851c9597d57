// The informer's cache: objects by namespace/name key, plus named indexes (e.g. pods by node, objects by
// owner uid) kept in step with every change.
import type { ApiObject } from "./resources.ts";
import { keyOf } from "./rest-client.ts";

export type IndexFunc<T> = (obj: T) => string[];

export class Store<T extends ApiObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  /**
   * Adds a named index. Components sharing an informer may each ask for the same index: registering the same
   * function under a name again is a no-op (computed once), a different function under a taken name throws.
   */
  addIndex(name: string, fn: IndexFunc<T>): void {
    const existing = this.indexers.get(name);
    if (existing === fn) return;
    if (existing) throw new Error(`index "${name}" is already registered with a different function`);
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects whose index `name` yields `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) out.push(this.items.get(k)!);
    return out;
  }

  /** Puts the object and answers the previous version, if any. */
  put(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      if (old) for (const v of fn(old)) removeFrom(index, v, key);
      for (const v of fn(obj)) addTo(index, v, key);
    }
    return old;
  }

  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const v of fn(old)) removeFrom(index, v, key);
    }
    return old;
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let set = index.get(value);
  if (!set) index.set(value, (set = new Set()));
  set.add(key);
}

function removeFrom(index: Map<string, Set<string>>, value: string, key: string): void {
  const set = index.get(value);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) index.delete(value);
}

/** Namespace index, the one most controllers want. */
export const byNamespace = <T extends ApiObject>(obj: T): string[] => (obj.metadata?.namespace ? [obj.metadata.namespace] : []);

/** The index name components share for byNodeName, so a shared pod informer computes it once. */
export const BY_NODE_NAME = "spec.nodeName";

/** Pods by the node they are bound to (spec.nodeName); unbound pods are not indexed. */
export const byNodeName = (pod: { spec?: { nodeName?: string } }): string[] => (pod.spec?.nodeName ? [pod.spec.nodeName] : []);

/** Owner uid index: find an owner's dependents without a scan. */
export const byOwnerUid = <T extends ApiObject>(obj: T): string[] => (obj.metadata?.ownerReferences ?? []).map((r) => r.uid);
