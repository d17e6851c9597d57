// Continuous compaction. Every tick picks a compact revision that keeps a window of recent history, records it
// (reads and watches below it fail with Compacted from then on), then removes rows in small revision batches,
// yielding to the event loop between batches, and finally keeps the file bounded (incremental vacuum of free
// pages; the WAL is checkpointed and bounded by the checkpointer thread, see checkpoint-worker.ts). A batch that
// finds the writer lock taken by that thread waits for it (writable()) and runs again.
//
// Window: history is kept until it is BOTH more than `retainRevisions` revisions old AND older than `retainMs`,
// but never more than `maxRetainRevisions` revisions. The revision floor serves watchers and paged lists that lag
// by count; the time floor gives a client paging a list, or a watcher reconnecting, a predictable grace period
// (upstream's apiserver compacts etcd every 5 minutes); the cap keeps the file bounded by size under heavy churn
// (a continue token older than the cap then answers 410 and the client lists again).
// The file therefore holds the live keys plus min(maxRetainRevisions, max(retainRevisions, writes in retainMs)) rows.
//
// Removal walks the log by revision: a row in (cursor, compactRevision] supersedes its predecessor
// (prev_revision), which is therefore deleted; a tombstone in that range is deleted too. Each row has at most one
// successor, so every superseded row is found exactly once, and rows above the compact revision are untouched:
// the state at the compact revision and every later change (with its previous value) stay readable.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { logger } from "../../util/log.ts";
import { isBusy } from "./busy.ts";

const log = logger("storage.sqlite.compactor");

export interface CompactionOptions {
  /** How often compaction runs by itself; 0 disables the timer (compact() still works). Default 1000 ms. */
  compactIntervalMs?: number;
  /** Keep at least this many recent revisions. Default 10,000. */
  retainRevisions?: number;
  /** Keep at least this much recent history by time. Default 5 minutes. */
  retainMs?: number;
  /** Never keep more than this many revisions of history, whatever the time floor says. Default 100,000. */
  maxRetainRevisions?: number;
}

/** Revisions removed per transaction: the batch size adapts so that a batch (which holds the event loop) takes
 * about BATCH_TARGET_MS; removing a row costs ~10 µs, more when the WAL or the page cache is cold. */
const BATCH_TARGET_MS = 2;
const BATCH_MIN = 25;
const BATCH_MAX = 2000;
const BATCH_INITIAL = 200;
/** Incremental vacuum starts once this share of the file is free pages; it frees this many pages per step
 * (moving pages costs tens of µs each) and at most MAX_STEPS steps per tick. */
const VACUUM_FREE_RATIO = 0.25;
const VACUUM_PAGES = 128;
const VACUUM_MAX_STEPS = 16;

interface Sample {
  at: number;
  revision: number;
}

export class Compactor {
  readonly #db: DatabaseSync;
  readonly #currentRevision: () => number;
  readonly #interval: number;
  readonly #retainRevisions: number;
  readonly #retainMs: number;
  readonly #maxRetainRevisions: number;
  readonly #now: () => number;
  readonly #writable: () => Promise<void>;
  #compactRevision: number;
  #cursor: number;
  #samples: Sample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  #ticking = false;
  #batch = BATCH_INITIAL;
  readonly #st: Record<"begin" | "commit" | "rollback" | "dropPrev" | "dropTombstones" | "setMeta", StatementSync>;

  constructor(
    db: DatabaseSync,
    state: {
      currentRevision: () => number;
      compactRevision: number;
      compactCursor: number;
      now?: () => number;
      /** Resolves when a write that got SQLITE_BUSY may try again. */
      writable?: () => Promise<void>;
    },
    opts: CompactionOptions = {},
  ) {
    this.#db = db;
    this.#currentRevision = state.currentRevision;
    this.#compactRevision = state.compactRevision;
    this.#cursor = state.compactCursor;
    this.#now = state.now ?? Date.now;
    this.#writable = state.writable ?? (() => new Promise((r) => setTimeout(r, 2)));
    this.#interval = opts.compactIntervalMs ?? 1000;
    this.#retainRevisions = opts.retainRevisions ?? 10_000;
    this.#retainMs = opts.retainMs ?? 5 * 60_000;
    this.#maxRetainRevisions = Math.max(opts.maxRetainRevisions ?? 100_000, this.#retainRevisions);
    this.#st = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      dropPrev: db.prepare(
        "DELETE FROM log WHERE revision IN (SELECT prev_revision FROM log WHERE revision > ? AND revision <= ? AND prev_revision > 0)",
      ),
      dropTombstones: db.prepare("DELETE FROM log WHERE revision > ? AND revision <= ? AND deleted = 1"),
      setMeta: db.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value"),
    };
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  start(): void {
    if (this.#interval <= 0) return;
    // A failed round (disk full, I/O error) is logged and retried next tick; it must not take the server down.
    const round = (p: Promise<void>) => p.catch((err: unknown) => log.error({ err }, "compaction failed"));
    this.#timer = setInterval(() => void round(this.tick()), this.#interval);
    this.#timer.unref();
    // Rows left behind by a run interrupted before a restart are removed without waiting for the window.
    void round(this.#drain());
  }

  /** Stops the timer; an in-flight drain stops at its next batch. */
  stop(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  /** One automatic round: advance the compact revision to the window's edge, remove rows, bound the files. */
  async tick(): Promise<void> {
    // A round that outlasts the interval (a long drain under heavy writes) is not overlapped by the next one.
    if (this.#closed || this.#ticking) return;
    this.#ticking = true;
    try {
      const target = this.#windowEdge();
      if (target > this.#compactRevision) await this.compact(target);
      if (!this.#closed) await this.#boundFiles();
    } finally {
      this.#ticking = false;
    }
  }

  /** Records `revision` as compacted and resolves once rows at or below it are removed. */
  async compact(revision: number): Promise<void> {
    while (revision > this.#compactRevision && !this.#closed) {
      try {
        this.#st.setMeta.run("compact_revision", revision);
        this.#compactRevision = revision;
      } catch (err) {
        if (!isBusy(err)) throw err;
        await this.#writable();
      }
    }
    await this.#drain();
  }

  #windowEdge(): number {
    const now = this.#now();
    const current = this.#currentRevision();
    this.#samples.push({ at: now, revision: current });
    const cutoff = now - this.#retainMs;
    // Keep the newest sample at or before the cutoff (it is the time edge) and every later one.
    let edge = 0;
    while (this.#samples.length > 1 && this.#samples[1]!.at <= cutoff) this.#samples.shift();
    if (this.#samples[0]!.at <= cutoff) edge = this.#samples[0]!.revision;
    return Math.max(Math.min(edge, current - this.#retainRevisions), current - this.#maxRetainRevisions);
  }

  #drain(): Promise<void> {
    this.#draining ??= new Promise<void>((resolve, reject) => {
      const step = (): void => {
        try {
          if (this.#closed || this.#cursor >= this.#compactRevision) {
            this.#draining = undefined;
            resolve();
            return;
          }
          const started = performance.now();
          this.#removeBatch(Math.min(this.#cursor + this.#batch, this.#compactRevision));
          const took = performance.now() - started;
          if (took > 2 * BATCH_TARGET_MS) this.#batch = Math.max(BATCH_MIN, Math.floor(this.#batch / 2));
          else if (took < BATCH_TARGET_MS / 2) this.#batch = Math.min(BATCH_MAX, Math.ceil(this.#batch * 1.25));
          setImmediate(step);
        } catch (err) {
          if (isBusy(err)) {
            void this.#writable().then(step);
            return;
          }
          this.#draining = undefined;
          reject(err);
        }
      };
      setImmediate(step);
    });
    return this.#draining;
  }

  #removeBatch(upTo: number): void {
    const from = this.#cursor;
    this.#st.begin.run();
    try {
      this.#st.dropPrev.run(from, upTo);
      this.#st.dropTombstones.run(from, upTo);
      this.#st.setMeta.run("compact_cursor", upTo);
      this.#st.commit.run();
    } catch (err) {
      if (this.#db.isTransaction) this.#st.rollback.run();
      throw err;
    }
    this.#cursor = upTo;
  }

  /** Hands free pages back to the filesystem. */
  async #boundFiles(): Promise<void> {
    for (let step = 0; step < VACUUM_MAX_STEPS && !this.#closed; step++) {
      const free = this.#db.prepare("PRAGMA freelist_count").get()!.freelist_count as number;
      const pages = this.#db.prepare("PRAGMA page_count").get()!.page_count as number;
      if (free < VACUUM_PAGES || free < pages * VACUUM_FREE_RATIO) return;
      try {
        this.#db.exec(`PRAGMA incremental_vacuum(${VACUUM_PAGES})`);
      } catch (err) {
        // The checkpointer holds the writer lock: the next tick carries on.
        if (isBusy(err)) return;
        throw err;
      }
      await new Promise((r) => setImmediate(r));
    }
  }
}
