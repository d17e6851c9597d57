// Drives every node from one clock: registers the nodes at start, then hands each node to a worker once per renew
// interval at its slot in the spread schedule. Node work has its own queue and workers, so pod traffic can never
// starve lease renewals. A failed step retries with the kubelet's lease backoff (200 ms doubling to 7 s) and
// otherwise waits for the node's next slot.
import { logger } from "../util/log.ts";
import { WorkQueue } from "../client/workqueue.ts";
import { ItemExponentialLimiter } from "../client/rate-limiter.ts";
import { dueSlots, statusReportDue } from "./spread-schedule.ts";
import type { NodeFleet, SimNode } from "./node-fleet.ts";

export interface HeartbeatLoopOptions {
  renewIntervalMs: number;
  statusReportIntervalMs: number;
  workers: number;
  /** How often the clock looks for due slots. Default 20 ms. */
  tickMs?: number;
  /** Answers whether the node is now registered (false: its Node was deleted meanwhile). */
  register(node: SimNode): Promise<boolean>;
  heartbeat(node: SimNode): Promise<void>;
  /** Called as each node finishes registering. */
  onRegistered(node: SimNode): void;
  /** Called once every node has registered, with the time it took. */
  onAllRegistered(ms: number): void;
}

export class HeartbeatLoop {
  private readonly fleet: NodeFleet;
  private readonly opts: HeartbeatLoopOptions;
  private readonly queue = new WorkQueue<number>(new ItemExponentialLimiter<number>({ baseMs: 200, maxMs: 7000 }));
  private readonly log = logger("sim-heartbeats");
  private registered = 0;
  private failures = 0;
  private lastError = "";

  constructor(fleet: NodeFleet, opts: HeartbeatLoopOptions) {
    this.fleet = fleet;
    this.opts = opts;
  }

  /** Runs until the signal aborts; resolves once the workers have finished their current step. */
  async run(signal: AbortSignal): Promise<void> {
    const started = performance.now();
    for (const n of this.fleet.nodes) this.queue.add(n.index);
    const clock = this.startClock(started);
    signal.addEventListener("abort", () => {
      clearInterval(clock);
      this.queue.shutdown();
    }, { once: true });
    await Promise.all(Array.from({ length: this.opts.workers }, () => this.worker(started)));
  }

  private startClock(started: number): NodeJS.Timeout {
    const { renewIntervalMs, statusReportIntervalMs } = this.opts;
    const count = this.fleet.nodes.length;
    const cyclesPerReport = Math.max(1, Math.round(statusReportIntervalMs / renewIntervalMs));
    let last = 0;
    let lastSummaryCycle = 0;
    return setInterval(() => {
      const now = performance.now() - started;
      // After a stall longer than an interval, each node is due once, not once per missed cycle.
      const from = Math.max(last, now - renewIntervalMs);
      for (const { index, cycle } of dueSlots(count, renewIntervalMs, from, now)) {
        const node = this.fleet.nodes[index]!;
        if (node.state === "gone") continue;
        if (statusReportDue(index, cycle, cyclesPerReport)) node.reportDue = true;
        this.queue.add(index);
      }
      last = now;
      const cycle = Math.floor(now / renewIntervalMs);
      if (cycle !== lastSummaryCycle) {
        lastSummaryCycle = cycle;
        this.reportFailures();
      }
    }, this.opts.tickMs ?? 20);
  }

  /** One line per interval however many nodes fail, so an unreachable API server does not flood the log. */
  private reportFailures(): void {
    if (this.failures === 0) return;
    this.log.warn({ failures: this.failures, lastError: this.lastError }, "node heartbeats failed in the last interval; retrying");
    this.failures = 0;
  }

  private async worker(started: number): Promise<void> {
    for (;;) {
      const index = await this.queue.get();
      if (index === undefined) return;
      const node = this.fleet.nodes[index]!;
      try {
        if (node.state === "unregistered") {
          if (await this.opts.register(node)) this.registeredOne(node, started);
        } else if (node.state === "registered") {
          await this.opts.heartbeat(node);
        }
        this.queue.forget(index);
      } catch (err) {
        this.failures++;
        this.lastError = (err as Error).message;
        this.log.debug({ node: node.name, err: this.lastError }, "node step failed");
        this.queue.addRateLimited(index);
      } finally {
        this.queue.done(index);
      }
    }
  }

  private registeredOne(node: SimNode, started: number): void {
    this.opts.onRegistered(node);
    if (++this.registered === this.fleet.nodes.length) this.opts.onAllRegistered(performance.now() - started);
  }
}
