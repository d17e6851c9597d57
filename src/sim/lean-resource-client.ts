// A resource client whose lists and watches drop metadata.managedFields: the simulator caches every Node and every
// bound Pod, and managedFields are often the larger part of an object it never reads. Writes built from such a
// cached object leave managedFields alone (the server keeps the stored ones when a body has none).
import type { ObjectList, ListOptions, WatchOptions } from "../client/rest-client.ts";
import { ResourceClient } from "../client/rest-client.ts";
import type { ApiObject } from "../client/resources.ts";
import type { WatchEvent } from "../client/watch.ts";

function lean<T extends ApiObject>(obj: T): T {
  if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
  return obj;
}

export class LeanResourceClient<T extends ApiObject> extends ResourceClient<T> {
  override async list(opts: ListOptions = {}): Promise<ObjectList<T>> {
    const page = await super.list(opts);
    for (const item of page.items) lean(item);
    return page;
  }

  override async *watch(opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    for await (const ev of super.watch(opts)) {
      if (ev.type !== "ERROR") lean(ev.object);
      yield ev;
    }
  }
}
