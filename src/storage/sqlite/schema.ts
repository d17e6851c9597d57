// Opens the database file and creates the schema.
//
// log      — the MVCC history: one row per write, the integer primary key is the revision. prev_revision links
//            each row to the previous row of the same key (a put or a tombstone; 0 for the first ever), so the
//            rows of a key form a chain and UNIQUE(key, prev_revision) rejects two writes racing from the same
//            predecessor. Tombstones (deleted = 1) store no value: the deleted value is the row at prev_revision,
//            which compaction keeps for as long as the tombstone is readable.
// current  — key -> revision of its live row, written in the same transaction as the log. It makes get and
//            list at the current revision an index range scan over live keys only, however much history the
//            log holds; reads at older revisions go to the log.
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
CREATE TABLE IF NOT EXISTS current (
  key TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  create_revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface OpenedDb {
  db: DatabaseSync;
  /** The highest revision ever written (compaction may have removed its row, never the number). */
  revision: number;
  compactRevision: number;
  /** Rows of revisions at or below this have been physically compacted. */
  compactCursor: number;
}

export function openDb(path: string): OpenedDb {
  const db = new DatabaseSync(path, { timeout: 0 });
  try {
    // One process owns the file: watches are delivered in-process, so a second writer would go unseen.
    // EXCLUSIVE also lets WAL keep its index in process memory instead of a shared-memory file.
    db.exec("PRAGMA locking_mode = EXCLUSIVE");
    // auto_vacuum only takes effect if set before the first table is created.
    db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    db.exec("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL loses nothing committed when the process dies; only an OS crash can lose the tail.
    db.exec("PRAGMA synchronous = NORMAL");
    // Each commit appends whole pages (row, index, current: ~3 pages); checkpoints fsync. Checkpointing every
    // 4000 pages (16 MB) instead of SQLite's 1000 amortizes that fsync and rewrites hot pages less often.
    // The compactor also checkpoints on its timer; journal_size_limit shrinks the WAL back after each one.
    db.exec("PRAGMA wal_autocheckpoint = 4000");
    db.exec("PRAGMA journal_size_limit = 16777216");
    db.exec(SCHEMA);
    const meta = (name: string): number =>
      (db.prepare("SELECT value FROM meta WHERE name = ?").get(name)?.value as number | undefined) ?? 0;
    const maxRev = (db.prepare("SELECT max(revision) AS r FROM log").get()?.r as number | null) ?? 0;
    const compactRevision = meta("compact_revision");
    return { db, revision: Math.max(maxRev, compactRevision), compactRevision, compactCursor: meta("compact_cursor") };
  } catch (err) {
    db.close();
    throw err;
  }
}
