// The SQLite backend of Storage: one file, one owning process, node:sqlite's synchronous driver.
//
// Writes are group-committed: create/update/delete queue their operation and a flush (setImmediate, so that
// every write issued by the callbacks of one event-loop turn joins it) runs up to MAX_BATCH of them, in arrival
// order, in ONE transaction, each inside its own savepoint. Because the driver is synchronous and the process
// single-threaded, the batch runs without interleaving with any other call, and each write's reads see the
// writes before it in the batch: the outcome is exactly that of running them one after another, a failing write
// (KeyExists, Conflict, NotFound, a constraint) undoing only its own savepoint and rejecting only its own promise.
// The in-memory revision counter and key index (live-keys.ts) are therefore exact, and a check-then-write
// (create's existence test, update's compare-and-swap) cannot race. UNIQUE(key, prev_revision) still guards the
// log against a broken invariant. A write resolves only after the COMMIT that holds it, and watchers learn of it
// only after that COMMIT (see watch-hub.ts). Reads (get, list) see committed state only.
//
// WAL checkpoints run in a worker thread (checkpointer.ts). While it resets the WAL it holds the writer lock for a
// moment; a batch that meets it (SQLITE_BUSY at BEGIN or COMMIT, nothing kept) waits without blocking the event
// loop and then runs again from the start, its reads and checks included, so the above still holds. Later
// batches queue behind it.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { StorageError } from "../interface.ts";
import type { KeyValue, ListOptions, ListResult, Storage, WatchEvent, WatchOptions } from "../interface.ts";
import { isBusy } from "./busy.ts";
import { LiveKeys, compareKeys } from "./live-keys.ts";
import type { LiveKey } from "./live-keys.ts";
import { Checkpointer } from "./checkpointer.ts";
import type { CheckpointOptions } from "./checkpointer.ts";
import { Compactor } from "./compactor.ts";
import type { CompactionOptions } from "./compactor.ts";
import { prefixEnd } from "./prefix.ts";
import { openDb } from "./schema.ts";
import { WatchHub, asStorageError } from "./watch-hub.ts";

export type SqliteStorageOptions = CompactionOptions & CheckpointOptions;

interface Row {
  key: string;
  revision: number;
  create_revision: number;
  value: string;
}

const SQLITE_CONSTRAINT = 19;
/** A write that keeps finding the writer lock taken for this long fails with Timeout. */
const WRITE_BUSY_TIMEOUT_MS = 10_000;

/** Most writes committed in one transaction: bounds how long a batch holds the event loop (~15 µs a create). */
const MAX_BATCH = 256;

/** #runBatch found the writer lock taken (nothing was done) or committed the batch. */
const WRITER_BUSY = Symbol("writer busy");
const BATCH_DONE = Symbol("batch done");
/** Or: the index of the write whose failure rolled back the whole transaction. */
type BatchOutcome = typeof WRITER_BUSY | typeof BATCH_DONE | number;

interface PendingWrite {
  key: string;
  /** Runs the write's reads, checks and statements at `revision`, adding its watch event (if anyone watches). */
  apply: (revision: number, events: WatchEvent[]) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: StorageError) => void;
}

export class SqliteStorage implements Storage {
  readonly #db: DatabaseSync;
  readonly #lock: DatabaseSync;
  readonly #checkpointer: Checkpointer;
  readonly #hub: WatchHub;
  readonly #compactor: Compactor;
  readonly #st: ReturnType<typeof prepare>;
  readonly #live: LiveKeys;
  /** Statements listing in the past, by lower-bound operator. */
  readonly #lists = new Map<string, StatementSync>();
  #revision: number;
  #closed = false;
  /** Writes waiting for the next group commit, in arrival order. */
  #queue: PendingWrite[] = [];
  #flushScheduled = false;
  /** Set while a batch waits for the checkpointer to release the writer lock; later batches wait behind it. */
  #busyWait: Promise<void> | undefined;
  #writes = 0;
  #batches = 0;

  /** Opens (creating if needed) the store at `path`; fails with Unavailable if another process holds it. */
  static open(path: string, opts: SqliteStorageOptions = {}): SqliteStorage {
    try {
      return new SqliteStorage(path, opts);
    } catch (err) {
      if (isBusy(err)) throw new StorageError("Unavailable", `${path} is in use by another process`);
      throw asStorageError(err);
    }
  }

  private constructor(path: string, opts: SqliteStorageOptions) {
    const opened = openDb(path);
    this.#db = opened.db;
    this.#lock = opened.lock;
    this.#revision = opened.revision;
    this.#st = prepare(this.#db);
    this.#live = LiveKeys.load(this.#db);
    this.#checkpointer = new Checkpointer(path, opts);
    this.#compactor = new Compactor(
      this.#db,
      { ...opened, currentRevision: () => this.#revision, writable: () => this.#checkpointer.writable() },
      opts,
    );
    this.#hub = new WatchHub({
      currentRevision: () => this.#revision,
      compactRevision: () => this.#compactor.compactRevision,
      readHistory: (prefix, after, upTo) => this.#readHistory(prefix, after, upTo),
    });
    this.#compactor.start();
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#open();
    const live = this.#live.get(key);
    return live && this.#liveKv(key, live);
  }

  /** The key's live row, value included (a primary-key read). */
  #liveKv(key: string, live: LiveKey): KeyValue {
    return liveKv(key, live, this.#st.valueAt.get(live.revision)!.value as string);
  }

  async list(opts: ListOptions): Promise<ListResult> {
    this.#open();
    const revision = opts.revision && opts.revision > 0 ? opts.revision : this.#revision;
    if (revision > this.#revision) {
      throw new StorageError("FutureRevision", `revision ${revision} is newer than the current revision ${this.#revision}`);
    }
    const compactRevision = this.#compactor.compactRevision;
    if (revision < compactRevision) {
      throw new StorageError("Compacted", `revision ${revision} has been compacted`, { compactRevision });
    }
    // `after` replaces the prefix as the lower bound only when it sorts at or above it (in SQLite's byte order).
    const afterBound = opts.after !== undefined && compareKeys(opts.after, opts.prefix) >= 0;
    const from = afterBound ? opts.after! : opts.prefix;
    const hi = prefixEnd(opts.prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    if (revision === this.#revision) {
      // The key index knows the live keys in order; each value is then a primary-key read.
      const { keys, start, end } = this.#live.range(from, !afterBound, typeof hi === "string" ? hi : undefined);
      const stop = limit > 0 ? Math.min(end, start + limit) : end;
      const page = keys.slice(start, stop);
      const lives = page.map((key) => this.#live.get(key)!);
      // One query for the page's values.
      const rows = this.#st.valuesAt.all(JSON.stringify(lives.map((l) => l.revision))) as { revision: number; value: string }[];
      const values = new Map(rows.map((r) => [r.revision, r.value]));
      const kvs = page.map((key, i) => liveKv(key, lives[i]!, values.get(lives[i]!.revision)!));
      return { kvs, revision, more: stop < end, remaining: end - stop };
    }
    const stmt = this.#listStatement(afterBound ? ">" : ">=");
    const rows = stmt.all(from, hi, revision, limit > 0 ? limit + 1 : -1) as unknown as Row[];
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { kvs: rows.map(toKv), revision, more };
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.#enqueue(key, (revision, events) => this.#create(key, value, revision, events));
  }

  #create(key: string, value: string, revision: number, events: WatchEvent[]): KeyValue {
    const existing = this.#live.get(key);
    if (existing) throw new StorageError("KeyExists", `key ${key} already exists`, { key, current: this.#liveKv(key, existing) });
    // A key deleted earlier continues its chain from the tombstone, so UNIQUE(key, prev_revision) still holds.
    const prev = (this.#st.lastRow.get(key)?.revision as number | undefined) ?? 0;
    this.#st.insertLog.run(revision, key, revision, prev, 0, value);
    this.#live.set(key, { revision, createRevision: revision });
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    if (!this.#hub.idle) events.push({ type: "put", kv });
    return kv;
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.#enqueue(key, (revision, events) => this.#update(key, value, expectedModRevision, revision, events));
  }

  #update(key: string, value: string, expectedModRevision: number, revision: number, events: WatchEvent[]): KeyValue {
    const cur = this.#live.get(key);
    if (!cur) throw new StorageError("NotFound", `key ${key} not found`, { key });
    if (cur.revision !== expectedModRevision) throw this.#conflict(key, expectedModRevision);
    this.#st.insertLog.run(revision, key, cur.createRevision, cur.revision, 0, value);
    this.#live.set(key, { revision, createRevision: cur.createRevision });
    const kv: KeyValue = { key, value, createRevision: cur.createRevision, modRevision: revision };
    if (!this.#hub.idle) events.push({ type: "put", kv });
    return kv;
  }

  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; revision: number }> {
    return this.#enqueue(key, (revision, events) => this.#delete(key, expectedModRevision, revision, events));
  }

  #delete(key: string, expectedModRevision: number | undefined, revision: number, events: WatchEvent[]): { prev: KeyValue; revision: number } {
    const live = this.#live.get(key);
    if (!live) throw new StorageError("NotFound", `key ${key} not found`, { key });
    const prev = this.#liveKv(key, live);
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) {
      throw new StorageError("Conflict", `key ${key} is at revision ${prev.modRevision}, not ${expectedModRevision}`, { key, current: prev });
    }
    this.#st.insertLog.run(revision, key, prev.createRevision, prev.modRevision, 1, null);
    this.#live.delete(key);
    if (!this.#hub.idle) events.push({ type: "delete", key, revision, prev });
    return { prev, revision };
  }

  async watch(opts: WatchOptions): Promise<void> {
    this.#open();
    const compactRevision = this.#compactor.compactRevision;
    if (opts.afterRevision < compactRevision) {
      throw new StorageError("Compacted", `revision ${opts.afterRevision} has been compacted`, { compactRevision });
    }
    this.#hub.add(opts);
  }

  async currentRevision(): Promise<number> {
    this.#open();
    return this.#revision;
  }

  revisionNow(): number {
    return this.#revision;
  }

  async compact(revision: number): Promise<void> {
    this.#open();
    if (revision > this.#revision) {
      throw new StorageError("FutureRevision", `cannot compact at ${revision}, beyond the current revision ${this.#revision}`);
    }
    await this.#compactor.compact(revision);
  }

  async compactedRevision(): Promise<number> {
    this.#open();
    return this.#compactor.compactRevision;
  }

  get healthy(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#compactor.stop();
    // Writes accepted before close still commit (or fail) first.
    while (this.#busyWait !== undefined || this.#queue.length > 0) {
      if (this.#busyWait !== undefined) await this.#busyWait;
      else this.#flush();
    }
    this.#hub.failAll(new StorageError("Unavailable", "storage closed"));
    // The worker's final checkpoint empties the WAL; this connection, closed last, then deletes it.
    await this.#checkpointer.stop();
    this.#db.close();
    this.#lock.close();
  }

  /** Queues a write for the next group commit; the promise settles once the batch holding it has committed. */
  #enqueue<T>(key: string, apply: (revision: number, events: WatchEvent[]) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StorageError("Unavailable", "storage closed"));
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    this.#queue.push({ key, apply, resolve: resolve as (v: unknown) => void, reject });
    if (!this.#flushScheduled && this.#busyWait === undefined) {
      this.#flushScheduled = true;
      setImmediate(this.#onImmediate);
    }
    return promise;
  }

  readonly #onImmediate = (): void => {
    this.#flushScheduled = false;
    this.#flush();
  };

  /** Commits the next batch of queued writes (unless a batch is still waiting for the writer lock). */
  #flush(): void {
    if (this.#busyWait !== undefined || this.#queue.length === 0) return;
    let batch: PendingWrite[];
    if (this.#queue.length <= MAX_BATCH) {
      batch = this.#queue;
      this.#queue = [];
    } else {
      batch = this.#queue.splice(0, MAX_BATCH);
    }
    this.#attempt(batch, 0);
  }

  /**
   * Runs `batch` as one transaction. If the checkpointer holds the writer lock the batch waits for it without
   * blocking the event loop, then runs again from the start, its reads and checks included.
   */
  #attempt(batch: PendingWrite[], deadline: number): void {
    for (;;) {
      let outcome: BatchOutcome;
      try {
        outcome = this.#runBatch(batch);
      } catch (err) {
        // An unexpected failure (not one write's): nothing of the batch was committed, none of it is acknowledged.
        this.#live.revert();
        if (this.#db.isTransaction) {
          try {
            this.#st.rollback.run();
          } catch {
            // The connection is unusable; the next batch reports it.
          }
        }
        const error = asStorageError(err);
        for (const w of batch) w.reject(error);
        break;
      }
      if (outcome === BATCH_DONE) break;
      if (outcome !== WRITER_BUSY) {
        // The transaction was lost with this write's failure: the others run again in a new one.
        batch.splice(outcome, 1);
        if (batch.length === 0) break;
        continue;
      }
      const now = Date.now();
      if (deadline === 0) deadline = now + WRITE_BUSY_TIMEOUT_MS;
      else if (now > deadline) {
        const error = new StorageError("Timeout", "the database stayed locked; write not attempted");
        for (const w of batch) w.reject(error);
        break;
      }
      this.#busyWait = this.#checkpointer.writable().then(() => {
        this.#busyWait = undefined;
        this.#attempt(batch, deadline);
      });
      return;
    }
    if (this.#queue.length > 0 && !this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#onImmediate);
    }
  }

  /**
   * One transaction: each write in its own savepoint, so a failing write undoes only itself; later writes see
   * the effects of earlier ones, exactly as if they had run one after another. Promises settle and events are
   * published only after COMMIT. Returns WRITER_BUSY (nothing done; run again later), BATCH_DONE, or the index
   * of a write whose failure took the whole transaction with it (that write has been rejected).
   */
  #runBatch(batch: PendingWrite[]): BatchOutcome {
    const st = this.#st;
    try {
      st.begin.run();
    } catch (err) {
      if (isBusy(err)) return WRITER_BUSY;
      throw err;
    }
    const results: unknown[] = new Array(batch.length);
    const failed: (StorageError | undefined)[] = new Array(batch.length);
    const events: WatchEvent[] = [];
    let revision = this.#revision;
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i]!;
      const mark = events.length;
      const liveMark = this.#live.mark();
      try {
        st.savepoint.run();
        results[i] = w.apply(revision + 1, events);
        st.release.run();
        revision++;
      } catch (err) {
        events.length = mark;
        if (!this.#db.isTransaction) {
          this.#live.revert();
          w.reject(asStorageError(err));
          return i;
        }
        st.rollbackTo.run();
        st.release.run();
        this.#live.revert(liveMark);
        failed[i] = this.#writeError(w.key, err);
      }
    }
    try {
      st.commit.run();
    } catch (err) {
      if (this.#db.isTransaction) st.rollback.run();
      this.#live.revert();
      if (isBusy(err)) return WRITER_BUSY;
      throw err;
    }
    this.#live.committed();
    const written = revision - this.#revision;
    this.#revision = revision;
    this.#writes += batch.length;
    this.#batches++;
    for (const e of events) this.#hub.publish(e);
    for (let i = 0; i < batch.length; i++) {
      const error = failed[i];
      if (error) batch[i]!.reject(error);
      else batch[i]!.resolve(results[i]);
    }
    // Last: every promise is settled, so nothing after the COMMIT can turn a committed write into a failure.
    if (written > 0) this.#checkpointer.committed(written);
    return BATCH_DONE;
  }

  /** The error a failed write reports (read inside the batch's transaction, after its savepoint was undone). */
  #writeError(key: string, err: unknown): StorageError {
    if (err instanceof StorageError) return err;
    if ((err as { errcode?: number }).errcode !== undefined && ((err as { errcode: number }).errcode & 0xff) === SQLITE_CONSTRAINT) {
      try {
        return this.#conflict(key, undefined);
      } catch (readErr) {
        return asStorageError(readErr);
      }
    }
    return asStorageError(err);
  }

  /** Group-commit counters (for measurements): writes and the transactions that carried them. */
  batchStats(): { ops: number; batches: number } {
    return { ops: this.#writes, batches: this.#batches };
  }

  #conflict(key: string, expected: number | undefined): StorageError {
    const live = this.#live.get(key);
    const current = live && this.#liveKv(key, live);
    const want = expected === undefined ? "" : `, not ${expected}`;
    return new StorageError("Conflict", `key ${key} is at revision ${current?.modRevision ?? "(deleted)"}${want}`, { key, current });
  }

  #readHistory(prefix: string, after: number, upTo: number): WatchEvent[] {
    const rows = this.#st.history.all(after, upTo, prefix, prefixEnd(prefix)) as unknown as HistoryRow[];
    return rows.map(toEvent);
  }

  /** Listing in the past: the live row of each key as of the revision, its newest row at or below it unless a tombstone. */
  #listStatement(lower: ">" | ">="): StatementSync {
    let stmt = this.#lists.get(lower);
    if (stmt) return stmt;
    stmt = this.#db.prepare(
      `SELECT l.key, l.revision, l.create_revision, l.value FROM log l
       WHERE l.revision IN (SELECT max(revision) FROM log WHERE key ${lower} ? AND key < ? AND revision <= ? GROUP BY key)
         AND l.deleted = 0
       ORDER BY l.key LIMIT ?`,
    );
    this.#lists.set(lower, stmt);
    return stmt;
  }

  #open(): void {
    if (this.#closed) throw new StorageError("Unavailable", "storage closed");
  }
}

const liveKv = (key: string, live: LiveKey, value: string): KeyValue => ({ key, value, createRevision: live.createRevision, modRevision: live.revision });

function prepare(db: DatabaseSync) {
  return {
    begin: db.prepare("BEGIN IMMEDIATE"),
    commit: db.prepare("COMMIT"),
    rollback: db.prepare("ROLLBACK"),
    savepoint: db.prepare("SAVEPOINT w"),
    release: db.prepare("RELEASE w"),
    rollbackTo: db.prepare("ROLLBACK TO w"),
    valueAt: db.prepare("SELECT value FROM log WHERE revision = ?"),
    valuesAt: db.prepare("SELECT revision, value FROM log WHERE revision IN (SELECT value FROM json_each(?))"),
    // The key's newest row (a tombstone when it is not live): prev_revision grows along the chain.
    lastRow: db.prepare("SELECT revision FROM log WHERE key = ? ORDER BY prev_revision DESC LIMIT 1"),
    insertLog: db.prepare("INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value) VALUES (?, ?, ?, ?, ?, ?)"),
    // Changes in a revision range; a deletion with the value it deleted (kept by compaction for rows above it).
    history: db.prepare(
      `SELECT n.revision, n.key, n.create_revision, n.deleted, n.value, n.prev_revision,
              p.value AS prev_value, p.create_revision AS prev_create_revision
       FROM log n LEFT JOIN log p ON n.deleted = 1 AND p.revision = n.prev_revision AND p.deleted = 0
       WHERE n.revision > ? AND n.revision <= ? AND n.key >= ? AND n.key < ?
       ORDER BY n.revision`,
    ),
  };
}

interface HistoryRow extends Row {
  deleted: number;
  prev_revision: number;
  prev_value: string | null;
  prev_create_revision: number | null;
}

const toKv = (r: Row): KeyValue => ({ key: r.key, value: r.value, createRevision: r.create_revision, modRevision: r.revision });

function toEvent(r: HistoryRow): WatchEvent {
  if (!r.deleted) return { type: "put", kv: toKv(r) };
  const prev: KeyValue = { key: r.key, value: r.prev_value!, createRevision: r.prev_create_revision!, modRevision: r.prev_revision };
  return { type: "delete", key: r.key, revision: r.revision, prev };
}
