// The "event-ttl" controller: core/v1 Events expire a while (default 1 h) after they were last written, as upstream's
// API server expires them with --event-ttl (a storage lease renewed on every write, whatever timestamps the event
// carries). Each event is looked at when it arrives and again when it is due.
import type { Event } from "kubernetes-types/core/v1";
import type { ControllerContext, ControllerDescriptor } from "../context.ts";
import { Controller } from "../controller.ts";
import type { ReconcileResult } from "../controller.ts";
import { keyOf, splitKey } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";

export interface EventTtlOptions {
  /** How long an event lives after its last write (ms). Default 1 h. */
  ttlMs?: number;
}

const DEFAULT_TTL_MS = 60 * 60 * 1000;

/** When the event was last written: the latest managedFields time, else its creation. */
export function lastWritten(ev: Event): number | undefined {
  const times = [ev.metadata?.creationTimestamp, ...(ev.metadata?.managedFields ?? []).map((f) => f.time)]
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter((ms) => !Number.isNaN(ms));
  return times.length ? Math.max(...times) : undefined;
}

export function newEventTtlController(opts: EventTtlOptions = {}): ControllerDescriptor {
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  return {
    name: "event-ttl",
    async start(ctx: ControllerContext): Promise<void> {
      const events = ctx.informers.informer(R.events);
      const controller = new Controller("event-ttl", async (key): Promise<ReconcileResult | void> => {
        const ev = events.store.get(key);
        const seen = ev && lastWritten(ev);
        if (!ev || seen === undefined) return;
        const left = seen + ttlMs - ctx.now().getTime();
        if (left > 0) return { requeueAfter: left };
        await expire(ctx, key, ev);
      });
      const enqueue = (ev: Event) => controller.enqueue(keyOf(ev));
      events.addHandlers({ onAdd: enqueue, onUpdate: (_old, ev) => enqueue(ev) });
      await events.waitForSync();
      await controller.run(ctx.signal);
    },
  };
}

export const eventTtlController: ControllerDescriptor = newEventTtlController();

/** Deletes the event as we saw it: one updated since (a repeat) is not expired and stays. */
async function expire(ctx: ControllerContext, key: string, ev: Event): Promise<void> {
  const { namespace, name } = splitKey(key);
  try {
    await ctx.client.resource(R.events).delete(namespace, name, { preconditions: { uid: ev.metadata?.uid, resourceVersion: ev.metadata?.resourceVersion } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
