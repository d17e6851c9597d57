// What keeps a component's Events from flooding the API server, as client-go's EventCorrelator: a repeat of an
// event updates the one already written (count and lastTimestamp) instead of adding another; many similar events
// (same object and reason, different messages) fold into one; and a token bucket per source and object drops the
// rest. All three remember a bounded number of keys, so memory stays flat however many objects a component touches.
import type { Event } from "kubernetes-types/core/v1";

export interface EventCorrelatorOptions {
  /** Clock, in ms since the epoch. Default Date.now. */
  now?: () => number;
  /** From the this-many-th distinct message of similar events in one window on, they are combined. Default 10. */
  maxSimilar?: number;
  /** A window of similar events closes after this long without one. Default 10 min. */
  similarWindowMs?: number;
  /** Events one source may record about one object in a burst. Default 25. */
  spamBurst?: number;
  /** One more event is allowed after each such interval. Default 5 min. */
  spamRefillMs?: number;
  /** Keys each of the three caches remembers, least recently used forgotten first. Default 4096. */
  cacheSize?: number;
}

/** The fields a repeat changes on the Event already written, sent as a merge patch. */
export interface EventPatch {
  count: number;
  lastTimestamp: string;
  message: string;
}

export type Correlation =
  | { action: "create"; event: Event }
  | { action: "patch"; event: Event; patch: EventPatch }
  | { action: "drop" };

const COMBINED_PREFIX = "(combined from similar events): ";

interface Similar {
  messages: Set<string>;
  lastMs: number;
}

interface Written {
  name: string;
  count: number;
  firstTimestamp: string | undefined;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class EventCorrelator {
  private readonly now: () => number;
  private readonly maxSimilar: number;
  private readonly similarWindowMs: number;
  private readonly spamBurst: number;
  private readonly spamRefillMs: number;
  private readonly similar: LruCache<Similar>;
  private readonly written: LruCache<Written>;
  private readonly buckets: LruCache<Bucket>;

  constructor(opts: EventCorrelatorOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxSimilar = opts.maxSimilar ?? 10;
    this.similarWindowMs = opts.similarWindowMs ?? 10 * 60_000;
    this.spamBurst = opts.spamBurst ?? 25;
    this.spamRefillMs = opts.spamRefillMs ?? 5 * 60_000;
    const size = opts.cacheSize ?? 4096;
    this.similar = new LruCache(size);
    this.written = new LruCache(size);
    this.buckets = new LruCache(size);
  }

  /** Decides how a new event (count 1, both timestamps now) reaches the API. */
  correlate(event: Event): Correlation {
    const now = this.now();
    const { event: folded, key } = this.aggregate(event, now);
    const correlation = this.dedupe(folded, key);
    // As upstream, a dropped event still counts above, so the next one written carries the true count.
    return this.allow(event, now) ? correlation : { action: "drop" };
  }

  /** Folds similar events into one once too many distinct messages came in one window; returns its dedupe key. */
  private aggregate(event: Event, now: number): { event: Event; key: string } {
    const similarKey = JSON.stringify([...sourceAndObject(event), event.type, event.reason, event.reportingComponent, event.reportingInstance]);
    const message = event.message ?? "";
    let record = this.similar.get(similarKey);
    if (!record || now - record.lastMs > this.similarWindowMs) record = { messages: new Set(), lastMs: now };
    record.lastMs = now;
    record.messages.add(message);
    this.similar.set(similarKey, record);
    if (record.messages.size < this.maxSimilar) return { event, key: eventKey(event) };
    // Keep the set at its cap by forgetting the oldest message.
    record.messages.delete(record.messages.values().next().value!);
    return { event: { ...event, message: COMBINED_PREFIX + message }, key: similarKey };
  }

  /** A repeat of a written event becomes a patch of it. */
  private dedupe(event: Event, key: string): Correlation {
    const seen = this.written.get(key);
    if (!seen) {
      this.written.set(key, { name: event.metadata?.name ?? "", count: event.count ?? 1, firstTimestamp: event.firstTimestamp });
      return { action: "create", event };
    }
    const count = seen.count + 1;
    this.written.set(key, { ...seen, count });
    const repeated: Event = { ...event, metadata: { ...event.metadata, name: seen.name }, count, firstTimestamp: seen.firstTimestamp };
    return { action: "patch", event: repeated, patch: { count, lastTimestamp: event.lastTimestamp ?? "", message: event.message ?? "" } };
  }

  /** Takes a token from the source+object's bucket, refilled at one per spamRefillMs up to spamBurst. */
  private allow(event: Event, now: number): boolean {
    const key = JSON.stringify(sourceAndObject(event));
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(this.spamBurst, bucket.tokens + (now - bucket.atMs) / this.spamRefillMs) : this.spamBurst;
    const allowed = tokens >= 1;
    this.buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, atMs: now });
    return allowed;
  }
}

function sourceAndObject(e: Event): (string | undefined)[] {
  const o = e.involvedObject;
  return [e.source?.component, e.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion];
}

/** Identical events share this key: everything but the timestamps (and the object's resourceVersion). */
function eventKey(e: Event): string {
  return JSON.stringify([...sourceAndObject(e), e.involvedObject.fieldPath, e.type, e.reason, e.message]);
}

/** A Map that forgets its least recently used entry beyond `max` (a Map iterates in insertion order). */
class LruCache<V> {
  private readonly map = new Map<string, V>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}
