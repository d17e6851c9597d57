// The "event-ttl" controller: core/v1 Events expire a while (default 1 h) after they last happened, as upstream's
// API server expires them with --event-ttl. Each event is looked at when it arrives and again when it is due.
import type { Event } from "kubernetes-types/core/v1";
import type { ControllerContext, ControllerDescriptor } from "../context.ts";
import { Controller } from "../controller.ts";
import type { ReconcileResult } from "../controller.ts";
import { keyOf, splitKey } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";

export interface EventTtlOptions {
  /** How long an event lives after its last timestamp (ms). Default 1 h. */
  ttlMs?: number;
}

const DEFAULT_TTL_MS = 60 * 60 * 1000;

/** When the event last happened: lastTimestamp, else eventTime, else creation. */
export function lastSeen(ev: Event): number | undefined {
  for (const t of [ev.lastTimestamp, ev.eventTime, ev.metadata?.creationTimestamp]) {
    const ms = t ? Date.parse(t) : NaN;
    if (!Number.isNaN(ms)) return ms;
  }
  return undefined;
}

export function newEventTtlController(opts: EventTtlOptions = {}): ControllerDescriptor {
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  return {
    name: "event-ttl",
    async start(ctx: ControllerContext): Promise<void> {
      const events = ctx.informers.informer(R.events);
      const controller = new Controller("event-ttl", async (key): Promise<ReconcileResult | void> => {
        const ev = events.store.get(key);
        const seen = ev && lastSeen(ev);
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
