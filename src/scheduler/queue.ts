// The scheduling queue, as upstream's: activeQ (ordered by the queue-sort plugin: priority, then age), backoffQ
// (pods that failed recently wait 1 s, doubling per attempt up to 10 s) and the unschedulable pods, which wait for
// a cluster change their rejecting plugins care about, or at most 5 minutes (checked every 30 s).
import type { Pod } from "kubernetes-types/core/v1";
import { KeyedHeap } from "./heap.ts";
import type { PodInfo } from "./pod-info.ts";
import type { ClusterEvent } from "./cluster-event.ts";

export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** Position in the active or backoff heap. */
  heapIndex: number;
  /** When it last entered the queue after a failure (or first): ordering within a priority, start of backoff. */
  timestamp: number;
  /** Tie-breaker keeping equal pods first-in first-out. */
  seq: number;
  /** When it was first popped, for end-to-end latency. */
  initialAttemptTimestamp: number | undefined;
  attempts: number;
  /** Plugins that rejected it last time; empty means any cluster change may help. */
  unschedulablePlugins: Set<string>;
  /** The PreEnqueue plugin holding it back (e.g. scheduling gates), if any. */
  gatedBy: string | undefined;
}

export interface QueueOptions {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  /** The PreEnqueue plugin that refuses the pod, or undefined when it may be queued. */
  gate(pod: PodInfo): string | undefined;
  /** Whether the change may make this unschedulable pod schedulable. */
  worthRetrying(q: QueuedPodInfo, ev: ClusterEvent, oldObj: unknown, newObj: unknown): boolean;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Default 5 minutes. */
  maxUnschedulableMs?: number;
  /** How often unschedulable pods are checked against maxUnschedulableMs. Default 30 s. */
  flushIntervalMs?: number;
  now?: () => number;
}

export class SchedulingQueue {
  private readonly active: KeyedHeap<QueuedPodInfo>;
  private readonly backoff: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private readonly opts: QueueOptions;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly now: () => number;
  private seq = 0;
  private backoffTimer: NodeJS.Timeout | undefined;
  private backoffTimerAt = Infinity;
  private readonly flushTimer: NodeJS.Timeout;
  private closed = false;

  constructor(opts: QueueOptions) {
    this.opts = opts;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.active = new KeyedHeap((q) => q.podInfo.key, (a, b) => opts.less(a, b) || (!opts.less(b, a) && a.seq < b.seq));
    this.backoff = new KeyedHeap((q) => q.podInfo.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.flushTimer = setInterval(() => this.flushUnschedulableLeftover(), opts.flushIntervalMs ?? 30_000);
    this.flushTimer.unref();
  }

  get counts(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  /** A new pending pod. */
  add(info: PodInfo): void {
    if (this.closed) return;
    this.remove(info.key);
    const q: QueuedPodInfo = { podInfo: info, heapIndex: -1, timestamp: this.now(), seq: this.seq++, initialAttemptTimestamp: undefined, attempts: 0, unschedulablePlugins: new Set(), gatedBy: undefined };
    this.enqueueOrGate(q);
  }

  /** The pending pod changed; a real change (not just status) to an unschedulable pod makes it worth retrying. */
  update(oldPod: Pod | undefined, info: PodInfo): void {
    if (this.closed) return;
    const key = info.key;
    for (const heap of [this.active, this.backoff]) {
      const q = heap.get(key);
      if (q) {
        q.podInfo = info;
        heap.push(q);
        return;
      }
    }
    const q = this.unschedulable.get(key);
    if (!q) return this.add(info);
    q.podInfo = info;
    if (oldPod && !specChanged(oldPod, info.pod)) return;
    this.unschedulable.delete(key);
    if (q.gatedBy) this.enqueueOrGate(q);
    else this.requeue(q);
  }

  delete(key: string): void {
    this.remove(key);
  }

  /** The next pod to schedule, waiting for one if need be; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const q = this.active.pop();
    if (q) return Promise.resolve(this.popped(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private popped(q: QueuedPodInfo): QueuedPodInfo {
    q.attempts++;
    q.initialAttemptTimestamp ??= this.now();
    return q;
  }

  /** A pod that failed: rejected pods wait for a relevant change, pods that hit an error back off. */
  addUnschedulable(q: QueuedPodInfo, backoffOnly = false): void {
    if (this.closed || this.has(q.podInfo.key)) return;
    q.timestamp = this.now();
    if (backoffOnly) this.pushBackoff(q);
    else this.unschedulable.set(q.podInfo.key, q);
  }

  /** Moves the unschedulable pods this change may help to the active (or, while backing off, backoff) queue. */
  moveOnEvent(ev: ClusterEvent, oldObj?: unknown, newObj?: unknown): void {
    if (this.unschedulable.size === 0) return;
    for (const [key, q] of this.unschedulable) {
      if (q.gatedBy || !this.opts.worthRetrying(q, ev, oldObj, newObj)) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.flushTimer);
    clearTimeout(this.backoffTimer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private enqueueOrGate(q: QueuedPodInfo): void {
    q.gatedBy = this.opts.gate(q.podInfo);
    if (q.gatedBy) this.unschedulable.set(q.podInfo.key, q);
    else this.pushActive(q);
  }

  private requeue(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.now()) this.pushBackoff(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) w(this.popped(q));
    else this.active.push(q);
  }

  private pushBackoff(q: QueuedPodInfo): void {
    this.backoff.push(q);
    this.armBackoffTimer();
  }

  private remove(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** Upstream's backoff: initial, doubling per attempt, capped. */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoffMs - d) return this.maxBackoffMs;
      d += d;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q.attempts);
  }

  private armBackoffTimer(): void {
    const next = this.backoff.peek();
    if (!next) return;
    const at = this.backoffExpiry(next);
    if (at >= this.backoffTimerAt) return;
    clearTimeout(this.backoffTimer);
    this.backoffTimerAt = at;
    this.backoffTimer = setTimeout(() => {
      this.backoffTimerAt = Infinity;
      this.flushBackoffCompleted();
    }, Math.max(0, at - this.now()));
    this.backoffTimer.unref();
  }

  private flushBackoffCompleted(): void {
    const now = this.now();
    for (let q = this.backoff.peek(); q && this.backoffExpiry(q) <= now; q = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(q);
    }
    this.armBackoffTimer();
  }

  private flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [key, q] of this.unschedulable) {
      if (q.gatedBy || now - q.timestamp < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }
}

/** Whether anything but status and bookkeeping changed. */
function specChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = p.metadata ?? {};
    return JSON.stringify([meta, p.spec]);
  };
  return strip(a) !== strip(b);
}
