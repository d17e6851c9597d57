// The SQLite backend of Storage: one file, one owning process, node:sqlite's synchronous driver.
//
// Because the driver is synchronous and the process single-threaded, each method runs its reads and its write
// transaction without interleaving with any other call; the in-memory revision counter is therefore exact, and
// a check-then-write (create's existence test, update's compare-and-swap) cannot race. UNIQUE(key,
// prev_revision) still guards the log against a broken invariant. A write resolves only after COMMIT, and
// watchers learn of it only after COMMIT (see watch-hub.ts).
//
// WAL checkpoints run in a worker thread (checkpointer.ts). While it resets the WAL it holds the writer lock for a
// moment; a write that meets it (SQLITE_BUSY at BEGIN, before anything was read for the write) waits without
// blocking the event loop and then runs again from the start, its reads included, so the above still holds.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { StorageError } from "../interface.ts";
import type { KeyValue, ListOptions, ListResult, Storage, WatchEvent, WatchOptions } from "../interface.ts";
import { isBusy } from "./busy.ts";
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

/** Thrown by #write when BEGIN finds the writer lock taken; #mutate waits and runs the write again. */
const WRITER_BUSY = Symbol("writer busy");

export class SqliteStorage implements Storage {
  readonly #db: DatabaseSync;
  readonly #lock: DatabaseSync;
  readonly #checkpointer: Checkpointer;
  readonly #hub: WatchHub;
  readonly #compactor: Compactor;
  readonly #st: ReturnType<typeof prepare>;
  /** List statements by variant (lower-bound operator, read at the current revision or in the past). */
  readonly #lists = new Map<string, StatementSync>();
  #revision: number;
  #closed = false;

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
    const row = this.#st.getCurrent.get(key) as Row | undefined;
    return row && toKv(row);
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
    const atCurrent = revision === this.#revision;
    // `after` replaces the prefix as the lower bound only when it sorts at or above it (in SQLite's byte order).
    const afterBound = opts.after !== undefined && Buffer.compare(Buffer.from(opts.after), Buffer.from(opts.prefix)) >= 0;
    const hi = prefixEnd(opts.prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const stmt = this.#listStatement(afterBound ? ">" : ">=", atCurrent);
    const params: (string | number | Uint8Array)[] = [afterBound ? opts.after! : opts.prefix, hi];
    if (!atCurrent) params.push(revision);
    const rows = stmt.all(...params, limit > 0 ? limit + 1 : -1) as unknown as Row[];
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    const result: ListResult = { kvs: rows.map(toKv), revision, more };
    if (atCurrent) {
      // Counting the rest is an index-only range scan over live keys; in the past it would scan history.
      const last = rows.length > 0 ? rows[rows.length - 1]!.key : undefined;
      result.remaining = more && last !== undefined ? (this.#st.countAfter.get(last, hi)!.n as number) : 0;
    }
    return result;
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.#mutate(() => this.#create(key, value));
  }

  #create(key: string, value: string): KeyValue {
    const existing = this.#st.getCurrent.get(key) as Row | undefined;
    if (existing) throw new StorageError("KeyExists", `key ${key} already exists`, { key, current: toKv(existing) });
    // A key deleted earlier continues its chain from the tombstone, so UNIQUE(key, prev_revision) still holds.
    const prev = (this.#st.lastRow.get(key)?.revision as number | undefined) ?? 0;
    const revision = this.#revision + 1;
    this.#write(key, () => {
      this.#st.insertLog.run(revision, key, revision, prev, 0, value);
      this.#st.insertCurrent.run(key, revision, revision);
    });
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    if (!this.#hub.idle) this.#hub.publish({ type: "put", kv });
    return kv;
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.#mutate(() => this.#update(key, value, expectedModRevision));
  }

  #update(key: string, value: string, expectedModRevision: number): KeyValue {
    const cur = this.#st.getCurrentRevision.get(key) as { revision: number; create_revision: number } | undefined;
    if (!cur) throw new StorageError("NotFound", `key ${key} not found`, { key });
    if (cur.revision !== expectedModRevision) throw this.#conflict(key, expectedModRevision);
    const revision = this.#revision + 1;
    this.#write(key, () => {
      this.#st.insertLog.run(revision, key, cur.create_revision, cur.revision, 0, value);
      this.#st.updateCurrent.run(revision, key);
    });
    const kv: KeyValue = { key, value, createRevision: cur.create_revision, modRevision: revision };
    if (!this.#hub.idle) {
      const prevValue = this.#st.value.get(cur.revision)!.value as string;
      this.#hub.publish({ type: "put", kv, prev: { key, value: prevValue, createRevision: cur.create_revision, modRevision: cur.revision } });
    }
    return kv;
  }

  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; revision: number }> {
    return this.#mutate(() => this.#delete(key, expectedModRevision));
  }

  #delete(key: string, expectedModRevision?: number): { prev: KeyValue; revision: number } {
    const row = this.#st.getCurrent.get(key) as Row | undefined;
    if (!row) throw new StorageError("NotFound", `key ${key} not found`, { key });
    const prev = toKv(row);
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) {
      throw new StorageError("Conflict", `key ${key} is at revision ${prev.modRevision}, not ${expectedModRevision}`, { key, current: prev });
    }
    const revision = this.#revision + 1;
    this.#write(key, () => {
      this.#st.insertLog.run(revision, key, prev.createRevision, prev.modRevision, 1, null);
      this.#st.deleteCurrent.run(key);
    });
    if (!this.#hub.idle) this.#hub.publish({ type: "delete", key, revision, prev });
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

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#compactor.stop();
    this.#hub.failAll(new StorageError("Unavailable", "storage closed"));
    // The worker's final checkpoint empties the WAL; this connection, closed last, then deletes it.
    await this.#checkpointer.stop();
    this.#db.close();
    this.#lock.close();
  }

  /**
   * Runs a write (its reads, checks and transaction, synchronously). If the checkpointer holds the writer lock
   * the write waits for it without blocking the event loop, then runs again from the start.
   */
  async #mutate<T>(run: () => T): Promise<T> {
    let deadline = 0;
    for (;;) {
      this.#open();
      try {
        return run();
      } catch (err) {
        if (err !== WRITER_BUSY) throw err;
      }
      const now = Date.now();
      if (deadline === 0) deadline = now + WRITE_BUSY_TIMEOUT_MS;
      else if (now > deadline) throw new StorageError("Timeout", "the database stayed locked; write not attempted");
      await this.#checkpointer.writable();
    }
  }

  /** Runs one write transaction and advances the revision once it has committed. */
  #write(key: string, body: () => void): void {
    const revision = this.#revision + 1;
    try {
      this.#st.begin.run();
    } catch (err) {
      if (isBusy(err)) throw WRITER_BUSY;
      throw asStorageError(err);
    }
    try {
      body();
      this.#st.commit.run();
    } catch (err) {
      if (this.#db.isTransaction) this.#st.rollback.run();
      if ((err as { errcode?: number }).errcode !== undefined && ((err as { errcode: number }).errcode & 0xff) === SQLITE_CONSTRAINT) {
        throw this.#conflict(key, undefined);
      }
      throw asStorageError(err);
    }
    this.#revision = revision;
    this.#checkpointer.committed();
  }

  #conflict(key: string, expected: number | undefined): StorageError {
    const row = this.#st.getCurrent.get(key) as Row | undefined;
    const current = row && toKv(row);
    const want = expected === undefined ? "" : `, not ${expected}`;
    return new StorageError("Conflict", `key ${key} is at revision ${current?.modRevision ?? "(deleted)"}${want}`, { key, current });
  }

  #readHistory(prefix: string, after: number, upTo: number): WatchEvent[] {
    const rows = this.#st.history.all(after, upTo, prefix, prefixEnd(prefix)) as unknown as HistoryRow[];
    return rows.map(toEvent);
  }

  #listStatement(lower: ">" | ">=", atCurrent: boolean): StatementSync {
    const id = `${lower}${atCurrent}`;
    let stmt = this.#lists.get(id);
    if (stmt) return stmt;
    stmt = this.#db.prepare(
      atCurrent
        ? `SELECT c.key, c.revision, c.create_revision, l.value FROM current c JOIN log l ON l.revision = c.revision
           WHERE c.key ${lower} ? AND c.key < ? ORDER BY c.key LIMIT ?`
        : // The live row of each key as of the revision: its newest row at or below it, unless a tombstone.
          `SELECT l.key, l.revision, l.create_revision, l.value FROM log l
           WHERE l.revision IN (SELECT max(revision) FROM log WHERE key ${lower} ? AND key < ? AND revision <= ? GROUP BY key)
             AND l.deleted = 0
           ORDER BY l.key LIMIT ?`,
    );
    this.#lists.set(id, stmt);
    return stmt;
  }

  #open(): void {
    if (this.#closed) throw new StorageError("Unavailable", "storage closed");
  }
}

function prepare(db: DatabaseSync) {
  return {
    begin: db.prepare("BEGIN IMMEDIATE"),
    commit: db.prepare("COMMIT"),
    rollback: db.prepare("ROLLBACK"),
    getCurrent: db.prepare(
      "SELECT c.key, c.revision, c.create_revision, l.value FROM current c JOIN log l ON l.revision = c.revision WHERE c.key = ?",
    ),
    getCurrentRevision: db.prepare("SELECT revision, create_revision FROM current WHERE key = ?"),
    // The key's newest row (a tombstone when it is not live): prev_revision grows along the chain.
    lastRow: db.prepare("SELECT revision FROM log WHERE key = ? ORDER BY prev_revision DESC LIMIT 1"),
    value: db.prepare("SELECT value FROM log WHERE revision = ?"),
    insertLog: db.prepare("INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value) VALUES (?, ?, ?, ?, ?, ?)"),
    insertCurrent: db.prepare("INSERT INTO current (key, revision, create_revision) VALUES (?, ?, ?)"),
    updateCurrent: db.prepare("UPDATE current SET revision = ? WHERE key = ?"),
    deleteCurrent: db.prepare("DELETE FROM current WHERE key = ?"),
    countAfter: db.prepare("SELECT count(*) AS n FROM current WHERE key > ? AND key < ?"),
    // Changes in a revision range with their previous live value (kept by compaction for rows above it).
    history: db.prepare(
      `SELECT n.revision, n.key, n.create_revision, n.deleted, n.value, n.prev_revision,
              p.value AS prev_value, p.create_revision AS prev_create_revision
       FROM log n LEFT JOIN log p ON p.revision = n.prev_revision AND p.deleted = 0
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
  const prev: KeyValue | undefined =
    r.prev_value === null ? undefined : { key: r.key, value: r.prev_value, createRevision: r.prev_create_revision!, modRevision: r.prev_revision };
  if (r.deleted) return { type: "delete", key: r.key, revision: r.revision, prev: prev! };
  return prev ? { type: "put", kv: toKv(r), prev } : { type: "put", kv: toKv(r) };
}
