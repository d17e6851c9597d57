// The WAL checkpointer, run in a worker thread by checkpointer.ts with its own connection to the database file,
// so that checkpoints and their fsyncs never hold the API server's event loop. The main connection never
// checkpoints (wal_autocheckpoint = 0).
//
// Each round first runs PASSIVE checkpoints, which copy committed pages into the database file without taking the
// writer lock: the main thread keeps committing meanwhile. PASSIVE alone cannot bound the WAL under continuous
// writes, because SQLite only starts the WAL over from its beginning when a write transaction begins with every
// frame already copied, and a busy writer always has appended more by then. So once the WAL holds `restartFrames`
// frames, and after the PASSIVE passes have left only a small remainder, the round runs RESTART (or TRUNCATE when
// the file has grown past `truncateBytes`, to give the space back): it takes the writer lock (this thread retries
// for up to busyTimeoutMs; the main connection never waits), copies the remainder and resets the WAL, so the next
// commit writes from the start of the file again. That first commit also syncs the new WAL header, so this thread
// makes it, a one-row write to `meta`. While it holds the writer lock (a few ms) the main thread's writes get
// SQLITE_BUSY at BEGIN and wait, without blocking the event loop, for the "done" message posted afterwards.
//
// Durability is SQLite's own: the checkpoint syncs the WAL before copying and the database after (synchronous =
// NORMAL), exactly as the automatic checkpoint on the main thread did.
import { statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { parentPort, workerData } from "node:worker_threads";
import { isBusy } from "./busy.ts";

export interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
  restartFrames: number;
  truncateBytes: number;
  busyTimeoutMs: number;
}

/** Main thread -> worker. */
export type ToCheckpointer = { type: "grown" } | { type: "stop" };

/** Worker -> main thread. */
export type FromCheckpointer =
  /** A checkpoint that held (or tried to take) the writer lock is over: writers that got SQLITE_BUSY may retry. */
  | { type: "done"; restarted: boolean }
  | { type: "error"; message: string };

/** PASSIVE passes per round before RESTART, and the remainder (in frames) small enough to RESTART at once. */
const MAX_PASSIVE_PASSES = 4;
const SMALL_REMAINDER = 256;

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const data = workerData as CheckpointWorkerData;
const port = parentPort!;
// No busy timeout: SQLite's busy handler backs off in steps of up to 100 ms, while the main thread releases the
// writer lock within a fraction of a millisecond; withWriterLock() retries at a finer grain.
const db = new DatabaseSync(data.path, { timeout: 0 });
db.exec("PRAGMA synchronous = NORMAL");
// Reading the schema opens the WAL on this connection.
db.prepare("SELECT count(*) FROM sqlite_schema").get();
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const restart = db.prepare("PRAGMA wal_checkpoint(RESTART)");
const truncate = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
const begin = db.prepare("BEGIN IMMEDIATE");
const commit = db.prepare("COMMIT");
const rollback = db.prepare("ROLLBACK");
// The first commit after a reset writes the WAL header and syncs it; this one takes that sync off the main thread.
const touch = db.prepare("INSERT INTO meta (name, value) VALUES ('wal_resets', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1");

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Runs `fn` (which takes the writer lock) until it gets the lock or busyTimeoutMs pass; whether it got it. */
function withWriterLock<T>(fn: () => T, locked: (r: T) => boolean): T {
  const deadline = performance.now() + data.busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    const r = fn();
    if (locked(r) || performance.now() > deadline) return r;
    Atomics.wait(sleeper, 0, 0, attempt < 20 ? 0.2 : 1);
  }
}

const walBytes = (): number => {
  try {
    return statSync(`${data.path}-wal`).size;
  } catch {
    return 0;
  }
};

let queued: NodeJS.Immediate | undefined;
let stopping = false;

function round(final: boolean): void {
  let r = passive.get() as unknown as CheckpointResult;
  if (!final && r.log < data.restartFrames) return;
  // Each pass copies what was committed during the previous one; stop once that is little, so that RESTART,
  // which holds the writer lock while it copies and syncs, has little left to do.
  for (let pass = 1, done = r.checkpointed; pass < MAX_PASSIVE_PASSES; pass++, done = r.checkpointed) {
    r = passive.get() as unknown as CheckpointResult;
    if (r.log - done <= SMALL_REMAINDER) break;
  }
  try {
    const mode = final || walBytes() > data.truncateBytes ? truncate : restart;
    r = withWriterLock(() => mode.get() as unknown as CheckpointResult, (x) => x.busy === 0);
    if (r.busy === 0 && !final) withWriterLock(touchWal, (ok) => ok);
  } finally {
    port.postMessage({ type: "done", restarted: r.busy === 0 } satisfies FromCheckpointer);
  }
}

/** A one-row commit: the first after a reset, it writes and syncs the WAL header. Whether it got the lock. */
function touchWal(): boolean {
  try {
    begin.run();
  } catch (err) {
    if (isBusy(err)) return false;
    throw err;
  }
  try {
    touch.run();
    commit.run();
  } catch (err) {
    if (db.isTransaction) rollback.run();
    throw err;
  }
  return true;
}

function run(final: boolean): void {
  queued = undefined;
  try {
    round(final);
  } catch (err) {
    // Reported and retried next round: a failed checkpoint loses nothing, the WAL just grows meanwhile.
    port.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) } satisfies FromCheckpointer);
  }
}

const timer = setInterval(() => {
  if (!queued && !stopping) run(false);
}, data.intervalMs);

port.on("message", (msg: ToCheckpointer) => {
  if (stopping) return;
  if (msg.type === "grown") {
    queued ??= setImmediate(() => run(false));
    return;
  }
  stopping = true;
  clearInterval(timer);
  if (queued) clearImmediate(queued);
  // Leave an empty WAL, so the main connection's close has nothing left to checkpoint.
  run(true);
  db.close();
  port.close();
});
