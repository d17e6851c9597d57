// The WAL checkpointer, run in a worker thread by checkpointer.ts with its own connection to the database file,
// so that checkpoints and their fsyncs never hold the API server's event loop. The main connection never
// checkpoints (wal_autocheckpoint = 0).
//
// Each round first runs PASSIVE checkpoints, which copy committed pages into the database file without taking the
// writer lock: the main thread keeps committing meanwhile. PASSIVE alone cannot bound the WAL under continuous
// writes, because SQLite only starts the WAL over from its beginning when a write transaction begins with every
// frame already copied, and a busy writer always has appended more by then. So once the WAL holds `restartFrames`
// frames, and after the PASSIVE passes have left only a small remainder, the round runs RESTART (or TRUNCATE when
// the file has grown past `truncateBytes`, to give the space back): it takes the writer lock (waiting up to the
// busy timeout, set on this connection only), copies the remainder and resets the WAL, so the next commit writes
// from the start of the file again. While it holds the writer lock the main thread's writes get SQLITE_BUSY
// immediately and wait (asynchronously) for the "done" message this worker posts afterwards.
//
// Durability is SQLite's own: the checkpoint syncs the WAL before copying and the database after (synchronous =
// NORMAL), exactly as the automatic checkpoint on the main thread did.
import { statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { parentPort, workerData } from "node:worker_threads";

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
const db = new DatabaseSync(data.path, { timeout: data.busyTimeoutMs });
db.exec("PRAGMA synchronous = NORMAL");
// Reading the schema opens the WAL on this connection.
db.prepare("SELECT count(*) FROM sqlite_schema").get();
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const restart = db.prepare("PRAGMA wal_checkpoint(RESTART)");
const truncate = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");

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
  for (let pass = 1; pass < MAX_PASSIVE_PASSES && r.log - r.checkpointed > SMALL_REMAINDER; pass++) {
    r = passive.get() as unknown as CheckpointResult;
  }
  try {
    r = ((final || walBytes() > data.truncateBytes ? truncate : restart).get() as unknown as CheckpointResult);
  } finally {
    port.postMessage({ type: "done", restarted: r.busy === 0 } satisfies FromCheckpointer);
  }
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
