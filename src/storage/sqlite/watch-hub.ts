// In-process watch fan-out. The owning store publishes each write's event right after its commit; events are
// queued and delivered in a microtask, so no consumer runs inside a write and none sees an uncommitted write.
// A new watcher first replays history from the log in bounded revision chunks (yielding to the event loop
// between chunks) and only then switches to live delivery; a per-watcher cursor (last revision seen) makes the
// hand-over exact: live events at or below the cursor were already replayed and are skipped.
import { StorageError } from "../interface.ts";
import type { WatchEvent, WatchOptions } from "../interface.ts";

export interface WatchSource {
  /** Events under `prefix` with revision in (after, upTo], in revision order. */
  readHistory(prefix: string, after: number, upTo: number): WatchEvent[];
  currentRevision(): number;
  compactRevision(): number;
}

interface Watcher {
  opts: WatchOptions;
  /** Every change at or below this revision has been delivered (or did not match). */
  cursor: number;
  live: boolean;
  active: boolean;
  onAbort: () => void;
}

export const eventRevision = (e: WatchEvent): number => (e.type === "put" ? e.kv.modRevision : e.revision);

/** Revisions read per replay step: bounds how long one step holds the event loop. */
const REPLAY_CHUNK = 1000;

export class WatchHub {
  readonly #source: WatchSource;
  readonly #watchers = new Set<Watcher>();
  #pending: WatchEvent[] = [];
  #flushQueued = false;

  constructor(source: WatchSource) {
    this.#source = source;
  }

  /** Whether anyone listens: writers skip building events (and reading previous values) when nobody does. */
  get idle(): boolean {
    return this.#watchers.size === 0;
  }

  /** Registers a watcher; the caller has checked afterRevision against compaction. */
  add(opts: WatchOptions): void {
    if (opts.signal.aborted) return;
    const w: Watcher = { opts, cursor: opts.afterRevision, live: false, active: true, onAbort: () => this.#remove(w) };
    opts.signal.addEventListener("abort", w.onAbort, { once: true });
    this.#watchers.add(w);
    setImmediate(() => this.#replayStep(w));
  }

  /** Queues a committed write's event. */
  publish(event: WatchEvent): void {
    this.#pending.push(event);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  /** Ends every watch with `err` (the store is closing). */
  failAll(err: StorageError): void {
    for (const w of [...this.#watchers]) this.#fail(w, err);
    this.#pending = [];
  }

  #replayStep(w: Watcher): void {
    if (!w.active) return;
    try {
      if (w.cursor < this.#source.compactRevision()) {
        const compactRevision = this.#source.compactRevision();
        this.#fail(w, new StorageError("Compacted", `revision ${w.cursor} has been compacted`, { compactRevision }));
        return;
      }
      const target = this.#source.currentRevision();
      if (w.cursor >= target) {
        w.live = true;
        if (w.cursor === target) this.#call(w, () => w.opts.onProgress?.(target));
        return;
      }
      const upTo = Math.min(w.cursor + REPLAY_CHUNK, target);
      const events = this.#source.readHistory(w.opts.prefix, w.cursor, upTo);
      w.cursor = upTo;
      if (events.length > 0) this.#call(w, () => w.opts.onEvents(events));
    } catch (err) {
      this.#fail(w, asStorageError(err));
      return;
    }
    setImmediate(() => this.#replayStep(w));
  }

  #flush(): void {
    this.#flushQueued = false;
    const events = this.#pending;
    this.#pending = [];
    if (events.length === 0) return;
    const top = eventRevision(events[events.length - 1]!);
    for (const w of this.#watchers) {
      if (!w.live || !w.active || w.cursor >= top) continue;
      const mine = events.filter((e) => eventRevision(e) > w.cursor && eventKey(e).startsWith(w.opts.prefix));
      w.cursor = top;
      if (mine.length > 0) this.#call(w, () => w.opts.onEvents(mine));
      else this.#call(w, () => w.opts.onProgress?.(top));
    }
  }

  /** Runs a consumer callback; one that throws loses its watch, not everyone else's delivery. */
  #call(w: Watcher, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#fail(w, new StorageError("Unavailable", `watch consumer failed: ${String(err)}`));
    }
  }

  #fail(w: Watcher, err: StorageError): void {
    if (!w.active) return;
    this.#remove(w);
    try {
      w.opts.onError(err);
    } catch (thrown) {
      // Nobody is left to tell; surface it like any other uncaught error without breaking this loop.
      queueMicrotask(() => {
        throw thrown;
      });
    }
  }

  #remove(w: Watcher): void {
    w.active = false;
    w.opts.signal.removeEventListener("abort", w.onAbort);
    this.#watchers.delete(w);
  }
}

const eventKey = (e: WatchEvent): string => (e.type === "put" ? e.kv.key : e.key);

export function asStorageError(err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  return new StorageError("Unavailable", err instanceof Error ? err.message : String(err));
}
