// The API server's watch cache: one storage watch over the whole registry, fanned out to every client watch.
// It keeps the current objects of every resource (decoded and serialized once, so LIST and GET from cache
// cost no JSON work) and a bounded history of recent events per resource so watches can resume from a
// resourceVersion. Revisions come from storage, so the cache's revision is the store's.
import type { KeyValue, Storage, StorageError, WatchEvent } from "../../storage/interface.ts";
import type { KubeObject } from "../../api/scheme.ts";
import { logger } from "../../util/log.ts";
import { resourcePrefixOf, withVersionJson } from "../registry/codec.ts";
import { sleep } from "../../util/sleep.ts";

/**
 * One object as the cache holds it: its serialized form (with resourceVersion), shared by every response
 * that carries it, and the decoded object, made only when something needs to look inside (selectors,
 * tables, admission lookups).
 */
export class CachedObject {
  readonly key: string;
  readonly json: string;
  readonly rv: number;
  #obj: KubeObject | undefined;

  constructor(key: string, json: string, rv: number, obj?: KubeObject) {
    this.key = key;
    this.json = json;
    this.rv = rv;
    this.#obj = obj;
  }

  /** Shared: callers must not mutate it. */
  get obj(): KubeObject {
    return (this.#obj ??= JSON.parse(this.json) as KubeObject);
  }
}

export interface CacheEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  rv: number;
  cur: CachedObject;
  /** The object before this event (MODIFIED, DELETED), for selector transitions. */
  prev: CachedObject | undefined;
}

export interface CacheWatcher {
  /** Called with events in revision order; a watcher that throws is dropped. */
  deliver(events: CacheEvent[]): void;
  /** The cache moved to this revision (for bookmarks). */
  progress?(rv: number): void;
}

/** How much history each resource keeps for resuming watches (at least; trimmed in steps of a quarter). */
const HISTORY_EVENTS = 10_000;
/** Trimming in steps keeps it amortized: dropping one event per write would move the whole array each time. */
const HISTORY_TRIM_AT = HISTORY_EVENTS + HISTORY_EVENTS / 4;

class ResourceCache {
  readonly items = new Map<string, CachedObject>();
  private sortedKeys: string[] | undefined;
  private readonly history: CacheEvent[] = [];
  /** Every event with rv > historyStart is in `history`. */
  historyStart: number;
  readonly watchers = new Set<CacheWatcher>();

  constructor(startRevision: number) {
    this.historyStart = startRevision;
  }

  apply(ev: CacheEvent): void {
    if (ev.type === "DELETED") {
      if (this.items.delete(ev.cur.key)) this.sortedKeys = undefined;
    } else {
      if (!this.items.has(ev.cur.key)) this.sortedKeys = undefined;
      this.items.set(ev.cur.key, ev.cur);
    }
    this.history.push(ev);
    if (this.history.length > HISTORY_TRIM_AT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_EVENTS);
      this.historyStart = dropped[dropped.length - 1]!.rv;
    }
  }

  sorted(): string[] {
    this.sortedKeys ??= [...this.items.keys()].sort();
    return this.sortedKeys;
  }

  /** Events after rv, or undefined if the history no longer reaches back that far. */
  since(rv: number): CacheEvent[] | undefined {
    if (rv < this.historyStart) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }
}

export class WatchCache {
  private readonly storage: Storage;
  private readonly resources = new Map<string, ResourceCache>();
  private readonly log = logger("watchcache");
  private readonly revisionWaiters: { rv: number; resolve: () => void }[] = [];
  private startRevision = 0;
  revision = 0;
  private failed: StorageError | undefined;

  constructor(storage: Storage) {
    this.storage = storage;
  }

  /** Loads the current state of the registry, then follows the store's watch until `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    const kvs: KeyValue[] = [];
    let after: string | undefined;
    let revision: number | undefined;
    for (;;) {
      const page = await this.storage.list({ prefix: "/registry/", limit: 5000, ...(after ? { after } : {}), ...(revision ? { revision } : {}) });
      revision = page.revision;
      kvs.push(...page.kvs);
      if (!page.more || page.kvs.length === 0) break;
      after = page.kvs[page.kvs.length - 1]!.key;
    }
    this.startRevision = revision!;
    this.revision = revision!;
    for (const kv of kvs) {
      this.resource(resourcePrefixOf(kv.key)).items.set(kv.key, this.decode(kv));
    }
    await this.follow(signal, revision!);
  }

  /** Follows the store's watch from a revision; a watch that ends while the datastore is away is resumed. */
  private follow(signal: AbortSignal, afterRevision: number): Promise<void> {
    return this.storage.watch({
      prefix: "/registry/",
      afterRevision,
      signal,
      onEvents: (events) => this.onEvents(events),
      onProgress: (rv) => this.advance(rv),
      onError: (err) => {
        this.failed = err;
        if (signal.aborted) return;
        if (err.code === "Compacted") {
          // The history the cache missed is gone; only a restart (a fresh list) makes it whole again.
          this.log.error({ err: err.message }, "storage watch fell behind compaction; the cache is stale");
          return;
        }
        this.log.warn({ err: err.message, code: err.code }, "storage watch ended; resuming");
        void this.resume(signal);
      },
    });
  }

  private async resume(signal: AbortSignal): Promise<void> {
    for (let delayMs = 250; !signal.aborted; delayMs = Math.min(delayMs * 2, 5000)) {
      await sleep(delayMs, signal);
      if (signal.aborted) return;
      try {
        await this.follow(signal, this.revision);
        this.failed = undefined;
        this.log.info({ revision: this.revision }, "storage watch resumed");
        return;
      } catch {
        // Still out of reach: try again after a longer pause.
      }
    }
  }

  /** Waits until the cache has seen every write up to rv (consistent reads from cache). */
  waitForRevision(rv: number, timeoutMs = 3000): Promise<void> {
    if (this.revision >= rv) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch cache did not reach revision ${rv} within ${timeoutMs} ms`)), timeoutMs);
      this.revisionWaiters.push({ rv, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  get healthy(): boolean {
    return this.failed === undefined;
  }

  /** Current objects of one resource (prefix "/registry/<group>/<plural>/"), sorted by key, optionally under a sub-prefix. */
  list(resourcePrefix: string, keyPrefix = resourcePrefix): CachedObject[] {
    const rc = this.resources.get(resourcePrefix);
    if (!rc) return [];
    const out: CachedObject[] = [];
    for (const key of rc.sorted()) {
      if (key.startsWith(keyPrefix)) out.push(rc.items.get(key)!);
    }
    return out;
  }

  get(key: string): CachedObject | undefined {
    return this.resources.get(resourcePrefixOf(key))?.items.get(key);
  }

  /**
   * A consistent read of one key (upstream's consistent reads from cache, KEP-2340): the object, or null when it
   * does not exist, if the cache has seen every write up to `storeRevision`; undefined when it cannot vouch for
   * that (no revision to compare with, behind it, or its storage watch broken), and storage must be read.
   */
  current(key: string, storeRevision: number | undefined): CachedObject | null | undefined {
    if (storeRevision === undefined || this.failed !== undefined || this.revision < storeRevision) return undefined;
    return this.get(key) ?? null;
  }

  /**
   * Registers a watcher on one resource. Returns the events after `fromRv` to replay first, or undefined when
   * fromRv is older than the history kept (the caller answers 410 Expired).
   */
  addWatcher(resourcePrefix: string, fromRv: number, w: CacheWatcher): CacheEvent[] | undefined {
    const rc = this.resource(resourcePrefix);
    const replay = rc.since(fromRv);
    if (!replay) return undefined;
    rc.watchers.add(w);
    return replay;
  }

  removeWatcher(resourcePrefix: string, w: CacheWatcher): void {
    this.resources.get(resourcePrefix)?.watchers.delete(w);
  }

  /** The oldest revision a watch on this resource may resume from. */
  oldestRevision(resourcePrefix: string): number {
    return this.resources.get(resourcePrefix)?.historyStart ?? this.startRevision;
  }

  private resource(prefix: string): ResourceCache {
    let rc = this.resources.get(prefix);
    if (!rc) {
      rc = new ResourceCache(this.startRevision);
      this.resources.set(prefix, rc);
    }
    return rc;
  }

  private decode(kv: KeyValue): CachedObject {
    return new CachedObject(kv.key, withVersionJson(kv.value, kv.modRevision), kv.modRevision);
  }

  private onEvents(events: WatchEvent[]): void {
    const touched = new Map<ResourceCache, CacheEvent[]>();
    let last = this.revision;
    for (const ev of events) {
      const key = ev.type === "put" ? ev.kv.key : ev.key;
      const rc = this.resource(resourcePrefixOf(key));
      const prev = rc.items.get(key);
      let cev: CacheEvent | undefined;
      if (ev.type === "put") {
        cev = { type: prev ? "MODIFIED" : "ADDED", rv: ev.kv.modRevision, cur: this.decode(ev.kv), prev };
        last = ev.kv.modRevision;
      } else {
        // A deleted object is reported as it was last stored, with the deletion's revision, as upstream does.
        const cur = new CachedObject(key, withVersionJson(ev.prev.value, ev.revision), ev.revision);
        cev = { type: "DELETED", rv: ev.revision, cur, prev: prev ?? this.decode(ev.prev) };
        last = ev.revision;
      }
      rc.apply(cev);
      let list = touched.get(rc);
      if (!list) touched.set(rc, (list = []));
      list.push(cev);
    }
    this.revision = Math.max(this.revision, last);
    for (const [rc, evs] of touched) {
      for (const w of rc.watchers) {
        try {
          w.deliver(evs);
        } catch (err) {
          this.log.error({ err: (err as Error).message }, "watcher failed; dropping it");
          rc.watchers.delete(w);
        }
      }
    }
    this.releaseWaiters();
  }

  private advance(rv: number): void {
    if (rv <= this.revision) return;
    this.revision = rv;
    for (const rc of this.resources.values()) for (const w of rc.watchers) w.progress?.(rv);
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    if (this.revisionWaiters.length === 0) return;
    for (let i = this.revisionWaiters.length - 1; i >= 0; i--) {
      const w = this.revisionWaiters[i]!;
      if (w.rv <= this.revision) {
        this.revisionWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
