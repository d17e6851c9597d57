// The shape of every controller: event handlers only enqueue keys; workers pop a key, read the current state from
// informer caches and make one step toward the desired state. A thrown error retries the key with backoff; a
// requested requeue comes back after the given delay.
import { logger } from "../util/log.ts";
import { WorkQueue } from "../client/workqueue.ts";

export interface ReconcileResult {
  /** Look at this key again after this many ms even if nothing changes. */
  requeueAfter?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface ControllerOptions {
  /** Concurrent workers; a key is never worked on by two at once. Default 2. */
  workers?: number;
}

export class Controller {
  readonly name: string;
  readonly queue = new WorkQueue<string>();
  private readonly reconcile: Reconcile;
  private readonly workers: number;
  private readonly log;

  constructor(name: string, reconcile: Reconcile, opts: ControllerOptions = {}) {
    this.name = name;
    this.reconcile = reconcile;
    this.workers = opts.workers ?? 2;
    this.log = logger("controller").child({ controller: name });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Runs the workers until the signal aborts; resolves once they have stopped. */
  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) this.queue.shutdown();
    else signal.addEventListener("abort", () => this.queue.shutdown(), { once: true });
    await Promise.all(Array.from({ length: this.workers }, () => this.worker(signal)));
  }

  private async worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined || signal.aborted) return;
      try {
        const result = await this.reconcile(key);
        this.queue.forget(key);
        if (result?.requeueAfter !== undefined) this.queue.addAfter(key, result.requeueAfter);
      } catch (err) {
        if (!signal.aborted) {
          this.log.debug({ key, err: (err as Error)?.message ?? String(err), retries: this.queue.retries(key) }, "reconcile failed; retrying");
          this.queue.addRateLimited(key);
        }
      } finally {
        this.queue.done(key);
      }
    }
  }
}
