// What a controller is still waiting to see through its informer after its own writes (client-go's
// UIDTrackingControllerExpectations): a count of pod creations and the keys of pods it deleted, per owner key.
// A controller acts on an owner only once its expectations are met (or expired), so a slow watch never makes it
// create or delete twice.

const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expected {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export interface ExpectationsOptions {
  /** Expectations older than this count as met, so a lost event cannot wedge an owner. Default 5 min. */
  ttlMs?: number;
  now?: () => number;
}

export class Expectations {
  private readonly byOwner = new Map<string, Expected>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: ExpectationsOptions = {}) {
    this.ttlMs = opts.ttlMs ?? EXPECTATIONS_TTL_MS;
    this.now = opts.now ?? Date.now;
  }

  /** Replaces the owner's expectations with `count` creations. */
  expectCreations(ownerKey: string, count: number): void {
    this.byOwner.set(ownerKey, { adds: count, deletes: new Set(), at: this.now() });
  }

  /** Replaces the owner's expectations with the deletion of these pods (namespace/name keys). */
  expectDeletions(ownerKey: string, podKeys: string[]): void {
    this.byOwner.set(ownerKey, { adds: 0, deletes: new Set(podKeys), at: this.now() });
  }

  creationObserved(ownerKey: string): void {
    const e = this.byOwner.get(ownerKey);
    if (e) e.adds--;
  }

  /** Counts a deletion only for a pod the owner was waiting on, so one deletion seen twice counts once. */
  deletionObserved(ownerKey: string, podKey: string): void {
    this.byOwner.get(ownerKey)?.deletes.delete(podKey);
  }

  /** True when nothing is pending, the expectations expired, or none were ever recorded. */
  satisfied(ownerKey: string): boolean {
    const e = this.byOwner.get(ownerKey);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.now() - e.at > this.ttlMs;
  }

  delete(ownerKey: string): void {
    this.byOwner.delete(ownerKey);
  }
}
