// The "garbagecollector" controller: deletes dependents whose owners are gone, and carries out foreground and
// orphan deletion. Unlike other controllers it cannot name its informers up front: it discovers the served
// resources first and runs its own metadata-only informers, whatever the shared factory's state.
import type { ControllerDescriptor } from "../context.ts";
import { GarbageCollector } from "./collector.ts";
import type { GarbageCollectorOptions } from "./collector.ts";

export type { GarbageCollectorOptions };

export function newGarbageCollectorController(opts: GarbageCollectorOptions = {}): ControllerDescriptor {
  return {
    name: "garbagecollector",
    start: (ctx) => new GarbageCollector(ctx).run(opts),
  };
}

export const garbageCollectorController: ControllerDescriptor = newGarbageCollectorController();
