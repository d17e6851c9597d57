// LIST: served from the watch cache (consistent by waiting for the store's current revision, as upstream's
// consistent reads from cache), or from storage at an exact revision for continue tokens and
// resourceVersionMatch=Exact. Pages are filled up to `limit` matching items.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { expired, timeout } from "../../api/errors.ts";
import type { Storage } from "../../storage/interface.ts";
import { StorageError } from "../../storage/interface.ts";
import type { WatchCache } from "../watchcache/watch-cache.ts";
import { collectionPrefix, decodeStored, resourcePrefix } from "./codec.ts";
import type { ListOptions } from "./list-options.ts";
import { decodeContinue, encodeContinue } from "./list-options.ts";
import type { ObjectFilter } from "./filter.ts";
import { toStatusError } from "./storage-errors.ts";

/** A listed object: decoded on demand, serialized once (`json`) when it came from the cache. */
export interface ListedItem {
  readonly key: string;
  readonly obj: KubeObject;
  readonly json: string | undefined;
}

export interface ListPage {
  items: ListedItem[];
  resourceVersion: number;
  continueToken: string | undefined;
  remaining: number | undefined;
}

const TOO_OLD_CONTINUE = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

export class Lister {
  private readonly storage: Storage;
  private readonly cache: WatchCache;

  constructor(storage: Storage, cache: WatchCache) {
    this.storage = storage;
    this.cache = cache;
  }

  async list(rt: ResourceType, namespace: string | undefined, opts: ListOptions, filter: ObjectFilter): Promise<ListPage> {
    const prefix = collectionPrefix(rt, namespace);
    if (opts.continueToken) {
      const token = decodeContinue(opts.continueToken);
      return this.fromStorage(rt, prefix, token.rv, token.after, opts.limit, filter, true);
    }
    if (opts.resourceVersion && opts.resourceVersionMatch === "Exact") {
      return this.fromStorage(rt, prefix, Number(opts.resourceVersion), undefined, opts.limit, filter, false);
    }
    await this.catchUp(opts.resourceVersion);
    const all = this.cache.list(resourcePrefix(rt), prefix);
    const rv = this.cache.revision;
    const items: ListedItem[] = [];
    let i = 0;
    for (; i < all.length; i++) {
      const c = all[i]!;
      if (!filter.everything && !filter.matches(c.obj)) continue;
      if (opts.limit && items.length === opts.limit) break;
      items.push(c);
    }
    const more = i < all.length;
    return {
      items,
      resourceVersion: rv,
      continueToken: more ? encodeContinue({ rv, after: items[items.length - 1]!.key }) : undefined,
      remaining: more && filter.everything ? all.length - i : undefined,
    };
  }

  /** RV unset: everything written so far; "0": whatever the cache has; N: at least N. */
  private async catchUp(resourceVersion: string | undefined): Promise<void> {
    if (resourceVersion === "0") return;
    const target = resourceVersion ? Number(resourceVersion) : await this.storage.currentRevision();
    try {
      await this.cache.waitForRevision(target);
    } catch {
      throw timeout(`Too large resource version: ${target}, current: ${this.cache.revision}`);
    }
  }

  private async fromStorage(rt: ResourceType, prefix: string, revision: number, after: string | undefined, limit: number, filter: ObjectFilter, continuing: boolean): Promise<ListPage> {
    const items: ListedItem[] = [];
    let cursor = after;
    let more = false;
    try {
      for (;;) {
        const want = limit ? Math.max(limit - items.length, 1) : 0;
        const page = await this.storage.list({ prefix, revision, ...(cursor ? { after: cursor } : {}), ...(want ? { limit: want } : {}) });
        for (const kv of page.kvs) {
          const obj = decodeStored(kv.value, kv.modRevision);
          cursor = kv.key;
          if (filter.matches(obj)) items.push({ key: kv.key, obj, json: undefined });
        }
        more = page.more;
        if (!more || (limit && items.length >= limit)) break;
      }
    } catch (err) {
      if (err instanceof StorageError && err.code === "Compacted") {
        throw expired(continuing ? TOO_OLD_CONTINUE : `The resourceVersion for the provided list is too old.`);
      }
      throw toStatusError(err, { group: rt.group, resource: rt.plural }, "");
    }
    return {
      items,
      resourceVersion: revision,
      continueToken: more && cursor ? encodeContinue({ rv: revision, after: cursor }) : undefined,
      remaining: undefined,
    };
  }
}
