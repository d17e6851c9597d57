// Guards against acting on a cache that has not yet seen this controller's own writes: a slice just created
// would otherwise look missing and be created twice. Each write is remembered until the informer shows it (or
// something newer); until then the Service's sync fails and retries. resourceVersions are storage revisions, so
// they order writes.
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

/** A resourceVersion we wrote, or DELETED for a slice we deleted. */
const DELETED = null;
type Expected = string | typeof DELETED;

export class StaleCacheError extends Error {}

export class SliceWriteTracker {
  private readonly expected = new Map<string, Map<string, Expected>>();

  wrote(serviceKey: string, slice: EndpointSlice): void {
    this.entries(serviceKey).set(slice.metadata!.name!, slice.metadata!.resourceVersion!);
  }

  deleted(serviceKey: string, name: string): void {
    this.entries(serviceKey).set(name, DELETED);
  }

  /** The informer reported a slice gone: whatever we expected of it has been seen through. */
  observedDeletion(serviceKey: string, name: string): void {
    this.expected.get(serviceKey)?.delete(name);
  }

  /** Throws while the cache lacks any of our writes for the Service; forgets writes it has caught up with. */
  checkFresh(serviceKey: string, cached: (name: string) => EndpointSlice | undefined): void {
    const entries = this.expected.get(serviceKey);
    if (!entries) return;
    for (const [name, rv] of entries) {
      const slice = cached(name);
      const seen = rv === DELETED ? !slice : !!slice && Number(slice.metadata?.resourceVersion) >= Number(rv);
      if (!seen) throw new StaleCacheError(`EndpointSlice cache for ${serviceKey} is behind ${name}`);
      entries.delete(name);
    }
    if (entries.size === 0) this.expected.delete(serviceKey);
  }

  forget(serviceKey: string): void {
    this.expected.delete(serviceKey);
  }

  private entries(serviceKey: string): Map<string, Expected> {
    let e = this.expected.get(serviceKey);
    if (!e) this.expected.set(serviceKey, (e = new Map()));
    return e;
  }
}
