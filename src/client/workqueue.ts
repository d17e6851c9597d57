// A work queue with client-go's rules: a key waits at most once (dirty set), is never handed to two workers at
// once (processing set), and a key added while it is processed is handed out again after done(). Delayed and
// rate-limited adds sit in timers until due.
import type { RateLimiter } from "./rate-limiter.ts";
import { defaultControllerRateLimiter } from "./rate-limiter.ts";

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private readonly getters: ((k: K | undefined) => void)[] = [];
  private readonly limiter: RateLimiter<K>;
  private stopped = false;

  constructor(limiter: RateLimiter<K> = defaultControllerRateLimiter<K>()) {
    this.limiter = limiter;
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  get shuttingDown(): boolean {
    return this.stopped;
  }

  add(key: K): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.processing.has(key)) this.handOut(key);
  }

  /** Gives a dirty key to a waiting worker, or queues it. */
  private handOut(key: K): void {
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Adds the key after `ms`; a key already waiting keeps the earlier of the two times. */
  addAfter(key: K, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const w = this.waiting.get(key);
    if (w && w.at <= at) return;
    if (w) clearTimeout(w.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.waiting.set(key, { at, timer });
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** Stops the key's backoff: its next failure starts again from the base delay. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  retries(key: K): number {
    return this.limiter.retries(key);
  }

  /** The next key to work on; undefined once the queue shuts down. Call done(key) when finished. */
  get(): Promise<K | undefined> {
    if (this.head < this.queue.length) {
      const key = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.handOut(key);
  }

  shutdown(): void {
    this.stopped = true;
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }
}
