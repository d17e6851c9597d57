// Kubernetes Events for what users should see in `kubectl describe`: reason and message about an object, from a
// component. Recording never blocks or throws: events are best effort, correlated first so that repeats update one
// Event and floods are folded or dropped (see event-correlator.ts).
import type { Event, ObjectReference } from "kubernetes-types/core/v1";
import { logger } from "../util/log.ts";
import { isNotFound } from "./errors.ts";
import { EventCorrelator } from "./event-correlator.ts";
import type { Correlation } from "./event-correlator.ts";
import type { Client, ResourceClient } from "./rest-client.ts";
import type { ApiObject } from "./resources.ts";
import { R } from "./resources.ts";
import { metaTime } from "../util/time.ts";

export type EventType = "Normal" | "Warning";

export interface EventRecorder {
  event(obj: ApiObject, type: EventType, reason: string, message: string): void;
}

export interface EventSource {
  component: string;
  host?: string;
}

export interface ApiEventRecorderOptions {
  /** Clock, in ms since the epoch, for timestamps, names and the correlator's windows. Default Date.now. */
  now?: () => number;
  /** Writes waiting beyond this many are dropped, so an unreachable API server costs bounded memory. Default 1000. */
  maxPending?: number;
}

export function referenceTo(obj: ApiObject): ObjectReference {
  const m = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion };
}

let lastNanos = 0n;

/** Upstream's Event name, `<object name>.<unix nanoseconds in hex>`, kept strictly increasing within the process
 * so two events in the same millisecond never collide. */
export function eventName(objectName: string, nowMs: number): string {
  let nanos = BigInt(Math.floor(nowMs)) * 1_000_000n;
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  return `${objectName}.${nanos.toString(16)}`;
}

/** Writes each event as a core/v1 Event in the object's namespace ("default" for cluster-scoped objects), one
 * write at a time so a repeat's patch never overtakes the create of the Event it updates. */
export class ApiEventRecorder implements EventRecorder {
  private readonly events: ResourceClient<Event>;
  private readonly source: EventSource;
  private readonly now: () => number;
  private readonly maxPending: number;
  private readonly correlator: EventCorrelator;
  private readonly log = logger("events");
  private pending = 0;
  private written: Promise<void> = Promise.resolve();

  constructor(client: Client, source: EventSource, opts: ApiEventRecorderOptions = {}) {
    this.events = client.resource(R.events);
    this.source = source;
    this.now = opts.now ?? Date.now;
    this.maxPending = opts.maxPending ?? 1000;
    this.correlator = new EventCorrelator({ now: this.now });
  }

  event(obj: ApiObject, type: EventType, reason: string, message: string): void {
    const correlation = this.correlator.correlate(this.makeEvent(obj, type, reason, message));
    if (correlation.action === "drop") return;
    if (this.pending >= this.maxPending) {
      this.log.debug({ reason }, "event not recorded: too many writes pending");
      return;
    }
    this.pending++;
    this.written = this.written
      .then(() => this.write(correlation))
      .catch((err: Error) => this.log.debug({ err: err?.message, reason }, "event not recorded"))
      .finally(() => this.pending--);
  }

  /** Resolves once every event recorded so far has been written or given up on. */
  flush(): Promise<void> {
    return this.written;
  }

  private makeEvent(obj: ApiObject, type: EventType, reason: string, message: string): Event {
    const ref = referenceTo(obj);
    const nowMs = this.now();
    const now = metaTime(nowMs);
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: eventName(ref.name ?? "", nowMs), namespace: ref.namespace || "default" },
      involvedObject: ref,
      reason,
      message,
      type,
      source: this.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? "",
    };
  }

  private async write(correlation: Exclude<Correlation, { action: "drop" }>): Promise<void> {
    const { event } = correlation;
    if (correlation.action === "patch") {
      try {
        await this.events.patch(event.metadata?.namespace, event.metadata?.name ?? "", correlation.patch);
        return;
      } catch (err) {
        // Events expire; a repeat of one that is gone is written anew, carrying its count.
        if (!isNotFound(err)) throw err;
      }
    }
    await this.events.create(event);
  }
}
