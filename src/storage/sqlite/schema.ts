// Opens the database file and creates the schema.
//
// log      — the MVCC history: one row per write, the integer primary key is the revision. prev_revision links
//            each row to the previous row of the same key (a put or a tombstone; 0 for the first ever), so the
//            rows of a key form a chain and UNIQUE(key, prev_revision) rejects two writes racing from the same
//            predecessor. Tombstones (deleted = 1) store no value: the deleted value is the row at prev_revision,
//            which compaction keeps for as long as the tombstone is readable.
//            Which keys are live, and at which revision, is held in memory (live-keys.ts), rebuilt from the log;
//            `current` is a view of the same, for older binaries (see replaceCurrentTable).
// meta     — persisted compaction state (the logical compact revision and how far rows were physically removed).
import { DatabaseSync } from "node:sqlite";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  value TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS log_key_prev ON log (key, prev_revision);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface OpenedDb {
  db: DatabaseSync;
  /** The `<path>-lock` database whose exclusive lock makes this process the file's only owner; close it last. */
  lock: DatabaseSync;
  /** The highest revision ever written (compaction may have removed its row, never the number). */
  revision: number;
  compactRevision: number;
  /** Rows of revisions at or below this have been physically compacted. */
  compactCursor: number;
}

/**
 * Takes ownership of the store at `path`: opens the sibling `<path>-lock` database in EXCLUSIVE locking mode and
 * writes to it, which takes its exclusive file lock until the connection closes (or the process dies: the OS
 * drops the lock). A second opener, in this process or another, gets SQLITE_BUSY at once.
 *
 * One process must own the file because watches are delivered in-process, so a second writer would go unseen. The
 * database itself cannot carry that lock: its own EXCLUSIVE locking mode would shut out the checkpointer thread.
 */
export function lockStore(path: string): DatabaseSync {
  const lock = new DatabaseSync(`${path}-lock`, { timeout: 0 });
  try {
    lock.exec("PRAGMA locking_mode = EXCLUSIVE");
    lock.exec(`BEGIN EXCLUSIVE;
      CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, since TEXT NOT NULL);
      INSERT INTO owner (id, pid, since) VALUES (1, ${process.pid}, datetime('now'))
        ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, since = excluded.since;
      COMMIT`);
    return lock;
  } catch (err) {
    lock.close();
    throw err;
  }
}

/** The live row of each key: its newest, unless a tombstone. */
export const LIVE_ROWS = `SELECT key, revision, create_revision FROM log
  WHERE revision IN (SELECT max(revision) FROM log GROUP BY key) AND deleted = 0`;

/**
 * Earlier versions kept the live keys in a `current` table written with every change. It becomes a view of the
 * log: an older binary opening this file afterwards still reads the right objects, and its writes fail (a view
 * takes no INSERT) instead of going on from a table that no longer follows the log.
 */
function replaceCurrentTable(db: DatabaseSync): void {
  const kind = db.prepare("SELECT type FROM sqlite_schema WHERE name = 'current'").get()?.type;
  if (kind === "view") return;
  if (kind === "table") db.exec("DROP TABLE current");
  db.exec(`CREATE VIEW current AS ${LIVE_ROWS}`);
}

export function openDb(path: string): OpenedDb {
  const lock = lockStore(path);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { timeout: 0 });
    // auto_vacuum only takes effect if set before the first table is created.
    db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    db.exec("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL loses nothing committed when the process dies; only an OS crash can lose the tail.
    db.exec("PRAGMA synchronous = NORMAL");
    // Commits never checkpoint: a checkpoint (and its fsyncs) would hold the event loop for tens of ms. The
    // checkpointer thread (checkpoint-worker.ts) does it, and also resets and truncates the WAL, so this
    // connection needs no journal_size_limit.
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec(SCHEMA);
    replaceCurrentTable(db);
    const meta = (name: string): number =>
      (db!.prepare("SELECT value FROM meta WHERE name = ?").get(name)?.value as number | undefined) ?? 0;
    const maxRev = (db.prepare("SELECT max(revision) AS r FROM log").get()?.r as number | null) ?? 0;
    const compactRevision = meta("compact_revision");
    return { db, lock, revision: Math.max(maxRev, compactRevision), compactRevision, compactCursor: meta("compact_cursor") };
  } catch (err) {
    db?.close();
    lock.close();
    throw err;
  }
}
