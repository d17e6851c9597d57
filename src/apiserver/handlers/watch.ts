// WATCH: streams ADDED/MODIFIED/DELETED/BOOKMARK/ERROR events from the watch cache as newline-delimited JSON,
// applying the watch's namespace and selectors (an object that stops matching is reported DELETED, one that
// starts matching ADDED, as upstream does). Slow clients are cut off rather than buffered without bound.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { expired } from "../../api/errors.ts";
import { CachedObject } from "../watchcache/watch-cache.ts";
import type { CacheEvent, CacheWatcher, WatchCache } from "../watchcache/watch-cache.ts";
import { collectionPrefix, metadataJson, resourcePrefix } from "../registry/codec.ts";
import type { ObjectFilter } from "../registry/filter.ts";
import type { ListOptions } from "../registry/list-options.ts";
import type { Response } from "../http/respond.ts";
import type { Rendering } from "../http/negotiate.ts";
import type { IncludeObject } from "./table.ts";
import { columnDefinitions, partialMetadata, tableRow } from "./table.ts";

/** Upstream's default watch timeout is a random 30-60 minutes; clients reconnect from their last version. */
const DEFAULT_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 30_000;
/** A client this far behind is dropped (it will re-watch from its last resourceVersion). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface WatchRequest {
  rt: ResourceType;
  namespace: string | undefined;
  /** Only this object (fieldSelector metadata.name or a get-style watch URL). */
  opts: ListOptions;
  filter: ObjectFilter;
  rendering: Rendering;
  includeObject: IncludeObject;
  signal: AbortSignal;
}

type EventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export function serveWatch(cache: WatchCache, res: Response, w: WatchRequest): void {
  const resPrefix = resourcePrefix(w.rt);
  const nsPrefix = collectionPrefix(w.rt, w.namespace);
  const asTable = w.rendering.as === "Table";
  const asMeta = w.rendering.as === "PartialObjectMetadata" || w.rendering.as === "PartialObjectMetadataList";
  let headerSent = false;
  let lastRv = cache.revision;
  let closed = false;

  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache, private" });
  // Push headers out now: clients (kubectl -w, informers) wait for the response before anything else.
  res.flushHeaders?.();

  const convert = w.rt.conversion?.fromStorage;
  const frame = (type: EventType, src: KubeObject | CachedObject, stored?: string): string => {
    const raw = (): KubeObject => (src instanceof CachedObject ? src.obj : src);
    const obj = convert ? () => convert(raw()) : raw;
    const json = convert ? undefined : stored;
    if (asTable && type !== "ERROR" && type !== "BOOKMARK") {
      const table = {
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata: { resourceVersion: obj().metadata?.resourceVersion },
        ...(headerSent ? {} : { columnDefinitions: columnDefinitions(w.rt) }),
        rows: [tableRow(w.rt, obj(), w.includeObject, new Date())],
      };
      headerSent = true;
      return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
    }
    if (asMeta && type !== "ERROR" && type !== "BOOKMARK") {
      // The metadata is cut from the encoded object: a metadata-only watcher (the garbage collector watches every
      // resource so) costs no decoding.
      const meta = json && metadataJson(json);
      const partial = meta ? `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${meta}}` : JSON.stringify(partialMetadata(obj()));
      return `{"type":"${type}","object":${partial}}\n`;
    }
    return `{"type":"${type}","object":${json ?? JSON.stringify(obj())}}\n`;
  };

  const write = (chunk: string): void => {
    if (closed) return;
    res.write(chunk);
    if (res.writableLength > MAX_BUFFERED_BYTES) stop();
  };

  const inScope = (key: string) => key.startsWith(nsPrefix);
  const translate = (ev: CacheEvent): string | undefined => {
    if (!inScope(ev.cur.key)) return undefined;
    const all = w.filter.everything;
    const now = ev.type !== "DELETED" && (all || w.filter.matches(ev.cur.obj));
    const before = ev.prev !== undefined && (all || w.filter.matches(ev.prev.obj));
    if (ev.type === "ADDED") return now ? frame("ADDED", ev.cur, ev.cur.json) : undefined;
    if (ev.type === "DELETED") return before ? frame("DELETED", ev.cur, ev.cur.json) : undefined;
    if (now && before) return frame("MODIFIED", ev.cur, ev.cur.json);
    if (now) return frame("ADDED", ev.cur, ev.cur.json);
    if (before) return frame("DELETED", ev.cur, ev.cur.json);
    return undefined;
  };

  const bookmark = (rv: number, annotations?: Record<string, string>): void => {
    const obj = { kind: w.rt.kind, apiVersion: w.rt.group ? `${w.rt.group}/${w.rt.version}` : w.rt.version, metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) } };
    write(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`);
  };

  const watcher: CacheWatcher = {
    deliver(events) {
      let out = "";
      for (const ev of events) {
        const f = translate(ev);
        if (f) out += f;
        lastRv = ev.rv;
      }
      if (out) write(out);
    },
    progress(rv) {
      lastRv = rv;
    },
  };

  const stop = (): void => {
    if (closed) return;
    closed = true;
    cache.removeWatcher(resPrefix, watcher);
    clearInterval(bookmarks);
    clearTimeout(deadline);
    res.end();
  };
  const bookmarks = setInterval(() => { if (w.opts.allowWatchBookmarks) bookmark(Math.max(lastRv, cache.revision)); }, BOOKMARK_INTERVAL_MS);
  bookmarks.unref();
  const deadline = setTimeout(stop, (w.opts.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000);
  deadline.unref();

  const fromRv = w.opts.resourceVersion && w.opts.resourceVersion !== "0" ? Number(w.opts.resourceVersion) : undefined;
  const initialEvents = w.opts.sendInitialEvents ?? fromRv === undefined;
  // Snapshot and registration happen in one synchronous step, so no event falls between them.
  const startRv = initialEvents ? cache.revision : fromRv!;
  const replay = cache.addWatcher(resPrefix, startRv, watcher);
  if (!replay) {
    const status = expired(`too old resource version: ${startRv} (${cache.oldestRevision(resPrefix)})`).status;
    write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
    stop();
    return;
  }
  let out = "";
  if (initialEvents) {
    for (const c of cache.list(resPrefix, nsPrefix)) if (w.filter.everything || w.filter.matches(c.obj)) out += frame("ADDED", c, c.json);
  }
  for (const ev of replay) {
    const f = translate(ev);
    if (f) out += f;
  }
  lastRv = Math.max(startRv, replay.length ? replay[replay.length - 1]!.rv : 0);
  if (out) write(out);
  if (w.opts.sendInitialEvents && w.opts.allowWatchBookmarks) bookmark(lastRv, { "k8s.io/initial-events-end": "true" });

  w.signal.addEventListener("abort", stop, { once: true });
  res.on("close", stop);
}
