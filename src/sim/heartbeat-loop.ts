// Drives every node from one clock: registers the nodes at start, then hands each registered node to a worker once
// per renew interval at its slot in the spread schedule. Registration and heartbeats have queues and workers of
// their own, so neither a slow start of thousands of nodes nor pod traffic can hold back the Leases of nodes
// already up. A failed step retries with the kubelet's lease backoff (200 ms doubling to 7 s).
import { logger } from "../util/log.ts";
import { WorkQueue } from "../client/workqueue.ts";
import { ItemExponentialLimiter } from "../client/rate-limiter.ts";
import { dueSlots, statusReportDue } from "./spread-schedule.ts";
import type { NodeFleet, SimNode } from "./node-fleet.ts";

export interface HeartbeatLoopOptions {
  renewIntervalMs: number;
  statusReportIntervalMs: number;
  registrationWorkers: number;
  heartbeatWorkers: number;
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

type Step = (node: SimNode) => Promise<void>;

const backoff = () => new WorkQueue<number>(new ItemExponentialLimiter<number>({ baseMs: 200, maxMs: 7000 }));

export class HeartbeatLoop {
  private readonly fleet: NodeFleet;
  private readonly opts: HeartbeatLoopOptions;
  private readonly registrations = backoff();
  private readonly heartbeats = backoff();
  private readonly log = logger("sim-heartbeats");
  private readonly started = performance.now();
  private settled = 0;
  private failures = 0;
  private lastError = "";

  constructor(fleet: NodeFleet, opts: HeartbeatLoopOptions) {
    this.fleet = fleet;
    this.opts = opts;
  }

  /** Runs until the signal aborts; resolves once the workers have finished their current step. */
  async run(signal: AbortSignal): Promise<void> {
    for (const n of this.fleet.nodes) this.registrations.add(n.index);
    const clock = this.startClock();
    signal.addEventListener("abort", () => {
      clearInterval(clock);
      this.registrations.shutdown();
      this.heartbeats.shutdown();
    }, { once: true });
    const pool = (queue: WorkQueue<number>, workers: number, step: Step) => Array.from({ length: workers }, () => this.worker(queue, step, signal));
    await Promise.all([
      ...pool(this.registrations, this.opts.registrationWorkers, (n) => this.register(n)),
      ...pool(this.heartbeats, this.opts.heartbeatWorkers, (n) => this.heartbeat(n)),
    ]);
  }

  private async register(node: SimNode): Promise<void> {
    if (node.state !== "unregistered") return;
    if (await this.opts.register(node)) this.opts.onRegistered(node);
    if (++this.settled < this.fleet.nodes.length) return;
    this.opts.onAllRegistered(performance.now() - this.started);
    // Nothing more to register: the workers may go.
    this.registrations.shutdown();
  }

  private async heartbeat(node: SimNode): Promise<void> {
    // A retry may come due after the Node went.
    if (node.state === "registered") await this.opts.heartbeat(node);
  }

  private startClock(): NodeJS.Timeout {
    const { renewIntervalMs, statusReportIntervalMs } = this.opts;
    const count = this.fleet.nodes.length;
    const cyclesPerReport = Math.max(1, Math.round(statusReportIntervalMs / renewIntervalMs));
    let last = 0;
    let lastSummaryCycle = 0;
    return setInterval(() => {
      const now = performance.now() - this.started;
      // After a stall longer than an interval, each node is due once, not once per missed cycle.
      const from = Math.max(last, now - renewIntervalMs);
      for (const { index, cycle } of dueSlots(count, renewIntervalMs, from, now)) {
        const node = this.fleet.nodes[index]!;
        if (node.state !== "registered") continue;
        if (statusReportDue(index, cycle, cyclesPerReport)) node.reportDue = true;
        this.heartbeats.add(index);
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
    this.log.warn({ failures: this.failures, lastError: this.lastError }, "node requests failed in the last interval; retrying");
    this.failures = 0;
  }

  private async worker(queue: WorkQueue<number>, step: Step, signal: AbortSignal): Promise<void> {
    for (;;) {
      const index = await queue.get();
      // A stopped queue still hands out what it holds; stopping must not wait for that.
      if (index === undefined || signal.aborted) return;
      const node = this.fleet.nodes[index]!;
      try {
        await step(node);
        queue.forget(index);
      } catch (err) {
        this.failures++;
        this.lastError = (err as Error).message;
        this.log.debug({ node: node.name, err: this.lastError }, "node step failed");
        queue.addRateLimited(index);
      } finally {
        queue.done(index);
      }
    }
  }
}
