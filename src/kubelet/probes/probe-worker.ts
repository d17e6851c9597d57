// One probe of one container (its liveness, readiness or startup probe) on its own schedule: the first attempt after
// initialDelaySeconds from the container's start (and, on a freshly started node agent, after a random part of the
// period, so probes restored all at once spread out), then one every periodSeconds, never two at a time. A result is
// reported once it repeats successThreshold / failureThreshold times in a row.
import type { Probe } from "kubernetes-types/core/v1";
import { runProbe } from "./run-probe.ts";
import type { ProbeOutcome, ProbeTarget } from "./target.ts";
import type { Timers } from "./timers.ts";

export type ProbeKind = "liveness" | "readiness" | "startup";

export const DEFAULT_PERIOD_SECONDS = 10;
export const DEFAULT_FAILURE_THRESHOLD = 3;

export interface ProbeWorkerOptions {
  kind: ProbeKind;
  probe: Probe;
  target: ProbeTarget;
  /** When the container started (ms since the epoch, on `now`'s clock). */
  startedAtMs: number;
  /** Extra wait before the first attempt (the start jitter). */
  jitterMs: number;
  now: () => number;
  timers: Timers;
  /** Whether the probe may run now (liveness and readiness wait for the startup probe). */
  mayProbe: () => boolean;
  /** A result that reached its threshold. */
  onResult: (result: ProbeOutcome, message: string) => void;
  /** Every failed attempt, and every attempt that could not run (`errored`), for the user's events. */
  onAttemptFailed: (message: string, errored: boolean) => void;
}

export class ProbeWorker {
  readonly #o: ProbeWorkerOptions;
  readonly #periodMs: number;
  readonly #successThreshold: number;
  readonly #failureThreshold: number;
  #timer: unknown = undefined;
  #running = false;
  #stopped = false;
  #last: ProbeOutcome | undefined = undefined;
  #run = 0;

  constructor(o: ProbeWorkerOptions) {
    this.#o = o;
    this.#periodMs = (o.probe.periodSeconds || DEFAULT_PERIOD_SECONDS) * 1000;
    // Liveness and startup probes must succeed once (validation holds users to 1).
    this.#successThreshold = o.kind === "readiness" ? o.probe.successThreshold || 1 : 1;
    this.#failureThreshold = o.probe.failureThreshold || DEFAULT_FAILURE_THRESHOLD;
    const firstAt = Math.max(o.now() + o.jitterMs, o.startedAtMs + (o.probe.initialDelaySeconds ?? 0) * 1000);
    this.#schedule(firstAt - o.now());
  }

  /** Probes now rather than at the next period, unless an attempt is under way or the initial delay has not passed. */
  trigger(): void {
    if (this.#stopped || this.#running) return;
    const delayEnd = this.#o.startedAtMs + (this.#o.probe.initialDelaySeconds ?? 0) * 1000;
    if (this.#o.now() < delayEnd) return;
    this.#schedule(0);
  }

  /** No more attempts; an attempt under way is ignored when it ends. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#timer = this.#o.timers.setTimeout(() => void this.#attempt(), Math.max(0, ms));
  }

  async #attempt(): Promise<void> {
    this.#timer = undefined;
    const began = this.#o.now();
    if (this.#o.mayProbe()) {
      this.#running = true;
      try {
        const r = await runProbe(this.#o.probe, this.#o.target);
        if (this.#stopped) return;
        this.#record(r.result, r.message);
      } catch (err) {
        // The probe could not run (bad port, runtime error): no result, as upstream, but the user hears of it.
        if (this.#stopped) return;
        this.#o.onAttemptFailed((err as Error).message, true);
      } finally {
        this.#running = false;
      }
    }
    if (!this.#stopped) this.#schedule(began + this.#periodMs - this.#o.now());
  }

  #record(result: ProbeOutcome, message: string): void {
    if (result === "failure") this.#o.onAttemptFailed(message, false);
    if (result === this.#last) this.#run++;
    else {
      this.#last = result;
      this.#run = 1;
    }
    if (this.#run < (result === "success" ? this.#successThreshold : this.#failureThreshold)) return;
    this.#o.onResult(result, message);
  }
}
