// Leader election on a coordination.k8s.io/v1 Lease, with client-go's rules, so that one replica of a singleton
// loop (controller manager, scheduler) runs at a time. Writes are compare-and-swap on the lease's resourceVersion.
// A lease held by another candidate is taken only once it has not changed for its leaseDurationSeconds, measured
// on this process's monotonic clock from when the change was seen: the holder's timestamps are never compared with
// ours, so clock skew between machines cannot cut a lease short.
import type { Lease, LeaseSpec } from "kubernetes-types/coordination/v1";
import { logger } from "../util/log.ts";
import { sleep } from "../util/sleep.ts";
import { isAlreadyExists, isConflict, isNotFound } from "./errors.ts";
import type { Client, ResourceClient } from "./rest-client.ts";
import { R } from "./resources.ts";

export interface LeaderElectorOptions {
  client: Client;
  /** Default "kube-system". */
  namespace?: string;
  /** The Lease's name, one per singleton loop (e.g. "kube-scheduler"). */
  name: string;
  /** Unique per candidate (e.g. hostname plus a random suffix). */
  identity: string;
  /** How long others wait, after last seeing the lease change, before taking it. Written to the lease in whole
   * seconds, rounded up. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failed renewal before it gives up leading. Default 10 s. */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  /** Called on becoming leader. The signal aborts when leadership ends; the returned promise must then settle,
   * since the lease is only released (and leadership only sought again) after it has. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called each time leadership ends, after onStartedLeading's work has settled. */
  onStoppedLeading?(): void;
  /** Called whenever a different candidate (this one included) is seen holding the lease. */
  onNewLeader?(identity: string): void;
}

/** client-go's JitterFactor: candidates wait between 1 and 2.2 retry periods so they do not retry in lockstep. */
const JITTER = 1.2;

export class LeaderElector {
  private readonly opts: LeaderElectorOptions;
  private readonly namespace: string;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly leases: ResourceClient<Lease>;
  private readonly log;
  /** The lease as last read or written. */
  private observed: Lease | undefined;
  /** Its spec, serialized, to tell when the record changed... */
  private observedRecord = "";
  /** ...and when (performance.now()) that change was first seen. */
  private observedAt = 0;
  private leading = false;
  private reportedLeader = "";

  constructor(opts: LeaderElectorOptions) {
    const leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (!(leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > JITTER * this.retryPeriodMs && this.retryPeriodMs > 0)) {
      // Otherwise a leader could still believe it leads after others may take the lease.
      throw new Error(`leader election needs leaseDuration > renewDeadline > ${JITTER} x retryPeriod > 0`);
    }
    if (!opts.name || !opts.identity) throw new Error("leader election needs a lease name and an identity");
    this.opts = opts;
    this.namespace = opts.namespace ?? "kube-system";
    this.leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
    this.leases = opts.client.resource(R.leases);
    this.log = logger("leader-election").child({ lease: `${this.namespace}/${opts.name}`, identity: opts.identity });
  }

  /** Whether this candidate leads now (between onStartedLeading and the abort of its signal). */
  get isLeader(): boolean {
    return this.leading;
  }

  /** The identity last seen holding the lease; undefined if none was seen or it was released. */
  get leader(): string | undefined {
    return this.observed?.spec?.holderIdentity || undefined;
  }

  /** Seeks leadership, leads, and seeks it again after losing it, until the signal aborts. Never rejects. When the
   * signal aborts while leading, the lease is released so another candidate takes over at once. */
  async run(signal: AbortSignal): Promise<void> {
    while (await this.acquire(signal)) await this.lead(signal);
  }

  /** Resolves true once the lease is ours, false if the signal aborted first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      await sleep(this.retryPeriodMs * (1 + Math.random() * JITTER), signal);
    }
    return false;
  }

  private async lead(runSignal: AbortSignal): Promise<void> {
    const leadership = new AbortController();
    const stop = () => leadership.abort();
    runSignal.addEventListener("abort", stop, { once: true });
    this.leading = true;
    this.log.info("started leading");
    const work = this.startLeading(leadership.signal);
    await this.renewWhileLeading(leadership.signal);
    runSignal.removeEventListener("abort", stop);
    this.leading = false;
    leadership.abort();
    await work;
    if (runSignal.aborted) await this.release();
    else this.log.warn("stopped leading: the lease could not be renewed in time");
    try {
      this.opts.onStoppedLeading?.();
    } catch (err) {
      this.log.error({ err: (err as Error)?.message }, "onStoppedLeading failed");
    }
  }

  private async startLeading(signal: AbortSignal): Promise<void> {
    try {
      await this.opts.onStartedLeading(signal);
    } catch (err) {
      this.log.error({ err: (err as Error)?.message }, "onStartedLeading failed");
    }
  }

  /** Renews every retry period; returns when a renewal has failed for renewDeadline, or the signal aborts. */
  private async renewWhileLeading(signal: AbortSignal): Promise<void> {
    for (;;) {
      await sleep(this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const attempts = AbortSignal.any([signal, AbortSignal.timeout(this.renewDeadlineMs)]);
      let renewed = false;
      while (!renewed && !attempts.aborted) {
        renewed = await this.tryAcquireOrRenew(attempts);
        if (!renewed) await sleep(this.retryPeriodMs, attempts);
      }
      if (!renewed) return;
    }
  }

  /** One attempt to take or renew the lease; false when another candidate holds it or the write failed. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = microTime(new Date());
    const mine = this.observed?.spec?.holderIdentity === this.opts.identity ? this.observed : undefined;
    if (this.leading && mine && this.leaseValid()) {
      // Renew the lease as we last wrote it, saving a read; if someone else wrote since, fall back to reading it.
      const renewal = { ...mine, spec: { ...mine.spec, renewTime: now } };
      if (await this.write(() => this.leases.update(renewal), signal)) return true;
    }
    let current: Lease;
    try {
      current = await untilAborted(() => this.leases.get(this.namespace, this.opts.name, signal), signal);
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.debug({ err: (err as Error)?.message }, "could not read the lease");
        return false;
      }
      const created: Lease = { metadata: { namespace: this.namespace, name: this.opts.name }, spec: this.spec(now, now, 0) };
      return this.write(() => this.leases.create(created), signal);
    }
    this.observe(current);
    const spec = current.spec ?? {};
    if (spec.holderIdentity && spec.holderIdentity !== this.opts.identity && this.leaseValid()) return false;
    const transitions = spec.leaseTransitions ?? 0;
    const next = spec.holderIdentity === this.opts.identity
      ? this.spec(spec.acquireTime ?? now, now, transitions)
      : this.spec(now, now, transitions + 1);
    return this.write(() => this.leases.update({ ...current, spec: next }), signal);
  }

  private spec(acquireTime: string, renewTime: string, leaseTransitions: number): LeaseSpec {
    return { holderIdentity: this.opts.identity, leaseDurationSeconds: this.leaseDurationSeconds, acquireTime, renewTime, leaseTransitions };
  }

  /** A compare-and-swap write; losing the race (409) or failing counts as not holding the lease. */
  private async write(op: () => Promise<Lease>, signal: AbortSignal): Promise<boolean> {
    try {
      this.observe(await untilAborted(op, signal));
      return true;
    } catch (err) {
      if (!isConflict(err) && !isAlreadyExists(err)) this.log.debug({ err: (err as Error)?.message }, "could not write the lease");
      return false;
    }
  }

  /** Gives the lease up for another candidate to take at once (client-go's ReleaseOnCancel). */
  private async release(): Promise<void> {
    const signal = AbortSignal.timeout(this.renewDeadlineMs);
    // A renewal abandoned at the deadline may still land after our read: retry the read on a conflict.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const current = await untilAborted(() => this.leases.get(this.namespace, this.opts.name, signal), signal);
        if (current.spec?.holderIdentity !== this.opts.identity) return;
        const now = microTime(new Date());
        const spec: LeaseSpec = { ...current.spec, holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
        this.observe(await untilAborted(() => this.leases.update({ ...current, spec }), signal));
        this.log.info("released the lease");
        return;
      } catch (err) {
        if (isConflict(err)) continue;
        this.log.warn({ err: (err as Error)?.message }, "could not release the lease; others take it once it expires");
        return;
      }
    }
  }

  private observe(lease: Lease): void {
    const record = JSON.stringify(lease.spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = performance.now();
    }
    this.observed = lease;
    const holder = lease.spec?.holderIdentity ?? "";
    if (holder && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      try {
        this.opts.onNewLeader?.(holder);
      } catch (err) {
        this.log.error({ err: (err as Error)?.message }, "onNewLeader failed");
      }
    }
  }

  /** Whether the observed lease is still within its duration, counted from when we saw it change. */
  private leaseValid(): boolean {
    const seconds = this.observed?.spec?.leaseDurationSeconds ?? this.leaseDurationSeconds;
    return performance.now() < this.observedAt + seconds * 1000;
  }
}

/** metav1.MicroTime as the API writes it: RFC 3339 with six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Settles as `op()` does, or rejects once the signal aborts (the request itself may still complete later). */
function untilAborted<T>(op: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    op().then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
