// Decoding a watch stream: one JSON event per line (the server ends each event with a newline).
import type { Readable } from "node:stream";
import type { Status } from "kubernetes-types/meta/v1";

export type WatchEvent<T> =
  | { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; object: T }
  | { type: "ERROR"; object: Status };

export async function* decodeWatch<T>(body: Readable): AsyncGenerator<WatchEvent<T>> {
  let pending = "";
  try {
    for await (const chunk of body) {
      pending += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim()) yield JSON.parse(line) as WatchEvent<T>;
      }
    }
  } catch (err) {
    // An aborted or reset stream simply ends the watch; the caller decides whether to watch again.
    if ((err as { name?: string }).name !== "AbortError" && (err as { code?: string }).code !== "ERR_HTTP2_STREAM_ERROR") throw err;
  } finally {
    body.destroy();
  }
  if (pending.trim()) yield JSON.parse(pending) as WatchEvent<T>;
}
