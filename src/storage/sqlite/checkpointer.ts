// Main-thread side of the WAL checkpointer (checkpoint-worker.ts runs the checkpoints in a worker thread).
//
// The store tells it about commits (committed(), counting the writes a group commit carried); every `nudgeCommits`
// writes it asks the worker for a round early, so the WAL stays bounded at any write rate, not only at the worker's timer. When a write finds the writer
// lock taken (SQLITE_BUSY: the worker is resetting the WAL) it waits on writable(), which resolves when the worker
// reports the checkpoint over, or after a short poll interval, whichever comes first; the event loop keeps running.
//
// The worker runs only while writes keep coming: it starts at the first nudge (a few MB of WAL) and retires, after
// a final checkpoint, once no write has come for `idleRetireMs`. A thread with its own V8 isolate costs ~20 MB of
// memory and ~50 ms to start, so a server that writes a Lease every few seconds (or a store closed soon after
// opening: tests, tools) never pays for it; closing the main connection checkpoints what is left.
import { Worker } from "node:worker_threads";
import { resolve } from "node:path";
import { logger } from "../../util/log.ts";
import type { CheckpointWorkerData, FromCheckpointer, ToCheckpointer } from "./checkpoint-worker.ts";

const log = logger("storage.sqlite.checkpointer");

export interface CheckpointOptions {
  /** How often the worker checkpoints without being asked. Default 500 ms. */
  checkpointIntervalMs?: number;
  /** Ask the worker for a round after this many commits. Default 1000 (a few MB of WAL). */
  checkpointNudgeCommits?: number;
  /** Reset the WAL once it holds this many frames (pages). Default 4096 (16 MB with 4 KB pages). */
  walRestartFrames?: number;
  /** Truncate instead of reset when the WAL file is larger than this. Default 64 MB. */
  walTruncateBytes?: number;
  /** Stop the worker after this long without writes. Default 10 s. */
  idleRetireMs?: number;
}

/** How long the worker keeps trying for the writer lock before leaving the reset to its next round. */
const WORKER_BUSY_TIMEOUT_MS = 250;
/** A writer that got SQLITE_BUSY retries after at most this long even without word from the worker. */
const BUSY_POLL_MS = 2;
/** close() terminates a worker that has not finished its final checkpoint by then. */
const STOP_TIMEOUT_MS = 10_000;
/** An unexpectedly ended worker is started again after this long. */
const RESPAWN_MS = 1000;

const GROWN: ToCheckpointer = { type: "grown" };

export class Checkpointer {
  readonly #data: CheckpointWorkerData;
  readonly #nudgeCommits: number;
  #worker: Worker | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** Starts the worker (first commit) or starts it again (after it died). */
  #spawnTimer: NodeJS.Timeout | undefined;
  #commits = 0;
  #gate: { promise: Promise<void>; release: () => void } | undefined;
  #stopped = false;
  readonly #idleRetireMs: number;
  #lastCommit = 0;
  #retireTimer: NodeJS.Timeout | undefined;
  /** The worker asked to stop because writes stopped (its exit is expected), and that exit. */
  #retiring: Worker | undefined;
  #retired: Promise<void> = Promise.resolve();

  constructor(path: string, opts: CheckpointOptions = {}) {
    this.#data = {
      path: resolve(path),
      intervalMs: opts.checkpointIntervalMs ?? 500,
      restartFrames: opts.walRestartFrames ?? 4096,
      truncateBytes: opts.walTruncateBytes ?? 64 * 1024 * 1024,
      busyTimeoutMs: WORKER_BUSY_TIMEOUT_MS,
    };
    this.#nudgeCommits = opts.checkpointNudgeCommits ?? 1000;
    this.#idleRetireMs = opts.idleRetireMs ?? 10_000;
  }

  #spawn(): void {
    clearTimeout(this.#spawnTimer);
    this.#spawnTimer = undefined;
    if (this.#stopped || this.#worker) return;
    const worker = new Worker(new URL("./checkpoint-worker.ts", import.meta.url), { workerData: this.#data });
    this.#worker = worker;
    worker.on("message", (msg: FromCheckpointer) => {
      if (msg.type === "done") this.#release();
      else log.error({ err: msg.message }, "WAL checkpoint failed");
    });
    worker.on("error", (err) => log.error({ err }, "WAL checkpointer failed"));
    // The worker must not keep the process alive: a process that exits without close() leaves a WAL that the
    // next open recovers, as after a crash. (After the listeners: adding a 'message' listener refs the port.)
    worker.unref();
    this.#scheduleRetire();
    this.#exited = new Promise((resolve) => {
      worker.once("exit", (code) => {
        if (this.#worker === worker) this.#worker = undefined;
        this.#release();
        if (this.#retiring === worker) this.#retiring = undefined;
        else if (!this.#stopped) {
          log.error({ code }, "WAL checkpointer exited; restarting it");
          this.#spawnLater(RESPAWN_MS);
        }
        resolve();
      });
    });
  }

  /** Counts committed writes (a group commit carries several); every nudgeCommits writes, asks the worker for a round. */
  committed(writes = 1): void {
    this.#commits += writes;
    this.#lastCommit = performance.now();
    if (this.#commits < this.#nudgeCommits) return;
    this.#commits = 0;
    if (this.#worker) this.#worker.postMessage(GROWN);
    else this.#spawn();
  }

  /** Checks every idle period whether writes have stopped; if so, the worker checkpoints what is left and exits. */
  #scheduleRetire(): void {
    clearTimeout(this.#retireTimer);
    this.#retireTimer = setTimeout(() => {
      const worker = this.#worker;
      if (!worker || this.#stopped) return;
      if (performance.now() - this.#lastCommit < this.#idleRetireMs) return this.#scheduleRetire();
      this.#retiring = worker;
      this.#retired = this.#exited;
      this.#worker = undefined;
      worker.postMessage({ type: "stop" } satisfies ToCheckpointer);
    }, this.#idleRetireMs);
    this.#retireTimer.unref();
  }

  #spawnLater(ms: number): void {
    if (this.#spawnTimer || this.#stopped) return;
    this.#spawnTimer = setTimeout(() => this.#spawn(), ms);
    this.#spawnTimer.unref();
  }

  /** Resolves when a writer that got SQLITE_BUSY should try again. */
  writable(): Promise<void> {
    if (this.#gate) return this.#gate.promise;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    const timer = setTimeout(() => this.#release(), BUSY_POLL_MS);
    this.#gate = { promise, release: () => (clearTimeout(timer), release()) };
    return promise;
  }

  /** Stops the worker (after a final checkpoint that empties the WAL) and resolves once it has exited. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#spawnTimer);
    clearTimeout(this.#retireTimer);
    const workers = [this.#worker, this.#retiring].filter((w): w is Worker => w !== undefined);
    if (!workers.length) return;
    // Keep the process alive until the workers have closed their connections; one stuck in I/O is terminated.
    for (const w of workers) w.ref();
    this.#worker?.postMessage({ type: "stop" } satisfies ToCheckpointer);
    const stuck = setTimeout(() => workers.forEach((w) => void w.terminate()), STOP_TIMEOUT_MS);
    await Promise.all([this.#exited, this.#retired]);
    clearTimeout(stuck);
  }

  #release(): void {
    const gate = this.#gate;
    this.#gate = undefined;
    gate?.release();
  }
}
