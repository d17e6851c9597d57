// An informer keeps a local cache of one resource in step with the API: list (in pages), then watch from the
// list's resourceVersion with bookmarks; a watch that ends is resumed from the last version seen, and a 410 Gone
// (history compacted) means list again. Handlers learn of adds, updates (old and new) and deletes; objects that
// vanished while the watch was down are reported as DeletedFinalStateUnknown, as client-go does.
import { logger } from "../util/log.ts";
import { sleep } from "../util/sleep.ts";
import type { ApiObject } from "./resources.ts";
import type { ResourceClient } from "./rest-client.ts";
import { keyOf } from "./rest-client.ts";
import { isGone, StatusError } from "./errors.ts";
import { Store } from "./store.ts";
import type { IndexFunc } from "./store.ts";

/** The last known state of an object deleted while the informer was not watching. */
export interface DeletedFinalStateUnknown<T> {
  key: string;
  obj: T;
  finalStateUnknown: true;
}

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  /** Also called with old === new on periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface InformerOptions<T> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replays every cached object as an update this often (ms); 0 (default) turns resync off. */
  resyncMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  /** Page size of the initial list. Default 500. */
  pageSize?: number;
}

export const objectOf = <T>(o: T | DeletedFinalStateUnknown<T>): T =>
  (o as DeletedFinalStateUnknown<T>).finalStateUnknown ? (o as DeletedFinalStateUnknown<T>).obj : (o as T);

const RETRY_MS = 1000;

export class Informer<T extends ApiObject> {
  readonly store = new Store<T>();
  private readonly client: ResourceClient<T>;
  private readonly opts: InformerOptions<T>;
  private readonly handlers: InformerHandlers<T>[] = [];
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private lastResourceVersion = "";
  private running = false;
  private readonly log;

  constructor(client: ResourceClient<T>, opts: InformerOptions<T> = {}) {
    this.client = client;
    this.opts = opts;
    this.log = logger("informer").child({ resource: client.ref.resource });
    for (const [name, fn] of Object.entries(opts.indexers ?? {})) this.store.addIndex(name, fn);
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }

  /** Handlers added after sync are told of every cached object as an add first. */
  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const obj of this.store.list()) h.onAdd?.(obj);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion of the last list or event seen. */
  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }

  /** Runs until the signal aborts. */
  run(signal: AbortSignal): void {
    if (this.running) return;
    this.running = true;
    if (this.opts.resyncMs) {
      const t = setInterval(() => this.resync(), this.opts.resyncMs);
      t.unref();
      signal.addEventListener("abort", () => clearInterval(t), { once: true });
    }
    void this.loop(signal);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.listAll(signal);
          needList = false;
        }
        await this.watch(signal);
      } catch (err) {
        if (signal.aborted) return;
        if (isGone(err)) {
          needList = true;
          continue;
        }
        this.log.debug({ err: (err as Error).message }, "list/watch failed; retrying");
        needList ||= !this.synced;
        await sleep(RETRY_MS, signal);
      }
    }
  }

  private async listAll(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = "";
    do {
      if (signal.aborted) return;
      const page = await this.client.list({
        namespace: this.opts.namespace,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        limit: this.opts.pageSize ?? 500,
        continue: cont,
      });
      items.push(...page.items);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    this.replace(items, rv);
  }

  /** Replaces the cache with a full list, telling handlers what changed since the last one. */
  private replace(items: T[], rv: string): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = keyOf(obj);
      seen.add(key);
      const old = this.store.put(obj);
      if (!old) this.emitAdd(obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emitUpdate(old, obj);
    }
    for (const key of [...this.store.keys()]) {
      if (seen.has(key)) continue;
      const old = this.store.remove(key)!;
      this.emitDelete({ key, obj: old, finalStateUnknown: true });
    }
    this.lastResourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const events = this.client.watch({
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: true,
      // The server ends a watch after this long; resuming spreads reconnects out, as client-go does.
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
      signal,
    });
    for await (const ev of events) {
      if (ev.type === "ERROR") {
        throw new StatusError(ev.object);
      }
      const obj = ev.object;
      const rv = obj.metadata?.resourceVersion;
      if (rv) this.lastResourceVersion = rv;
      if (ev.type === "BOOKMARK") continue;
      if (ev.type === "DELETED") {
        const old = this.store.remove(keyOf(obj));
        this.emitDelete(obj ?? old);
      } else {
        const old = this.store.put(obj);
        if (old) this.emitUpdate(old, obj);
        else this.emitAdd(obj);
      }
    }
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.store.list()) this.emitUpdate(obj, obj);
  }

  private emitAdd(obj: T): void {
    for (const h of this.handlers) this.safely(() => h.onAdd?.(obj));
  }

  private emitUpdate(oldObj: T, newObj: T): void {
    for (const h of this.handlers) this.safely(() => h.onUpdate?.(oldObj, newObj));
  }

  private emitDelete(obj: T | DeletedFinalStateUnknown<T>): void {
    for (const h of this.handlers) this.safely(() => h.onDelete?.(obj));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err: (err as Error).stack }, "informer handler threw");
    }
  }
}
