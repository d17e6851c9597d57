// Retry delays for workqueue items, as client-go's default controller rate limiter: the larger of a per-item
// exponential backoff and an overall token bucket, so one failing item backs off alone and a storm of failures
// cannot flood the API server.

export interface RateLimiter<K> {
  /** How long to wait before the item's next retry; each call counts one more failure. */
  when(item: K): number;
  forget(item: K): void;
  retries(item: K): number;
}

export interface ExponentialOptions {
  /** First delay (ms). Default 5. */
  baseMs?: number;
  /** Longest delay (ms). Default 1000 s. */
  maxMs?: number;
}

export class ItemExponentialLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(opts: ExponentialOptions = {}) {
    this.baseMs = opts.baseMs ?? 5;
    this.maxMs = opts.maxMs ?? 1_000_000;
  }

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  retries(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

export interface BucketOptions {
  /** Tokens per second. Default 10. */
  qps?: number;
  /** Default 100. */
  burst?: number;
  now?: () => number;
}

/** A token bucket shared by all items: delays grow once more than `burst` retries come faster than `qps`. */
export class BucketLimiter<K> implements RateLimiter<K> {
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;

  constructor(opts: BucketOptions = {}) {
    this.qps = opts.qps ?? 10;
    this.burst = opts.burst ?? 100;
    this.now = opts.now ?? Date.now;
    this.tokens = this.burst;
    this.last = this.now();
  }

  when(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(): void { /* shared bucket: nothing per item */ }
  retries(): number { return 0; }
}

export class MaxOfLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }
  when(item: K): number {
    return Math.max(...this.limiters.map((l) => l.when(item)));
  }
  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }
  retries(item: K): number {
    return Math.max(...this.limiters.map((l) => l.retries(item)));
  }
}

export const defaultControllerRateLimiter = <K>(): RateLimiter<K> =>
  new MaxOfLimiter<K>(new ItemExponentialLimiter<K>(), new BucketLimiter<K>());
