// Decoding a watch stream: one JSON event per line (the server ends each event with a newline).
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { Status } from "kubernetes-types/meta/v1";

export type WatchEvent<T> =
  | { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; object: T }
  | { type: "ERROR"; object: Status };

export async function* decodeWatch<T>(body: Readable): AsyncGenerator<WatchEvent<T>> {
  let pending = "";
  // Keeps a multi-byte character split across two chunks whole.
  const utf8 = new StringDecoder("utf8");
  try {
    for await (const chunk of body) {
      pending += typeof chunk === "string" ? chunk : utf8.write(chunk as Buffer);
      // One pass over the chunk's lines; the unfinished tail is kept once, not re-sliced per line.
      let start = 0;
      let nl: number;
      while ((nl = pending.indexOf("\n", start)) >= 0) {
        if (nl > start) yield JSON.parse(pending.slice(start, nl)) as WatchEvent<T>;
        start = nl + 1;
      }
      pending = start ? pending.slice(start) : pending;
    }
  } catch (err) {
    // An aborted, reset or closed stream simply ends the watch; the caller resumes from the last revision it saw.
    // (Node 24.20+ may report a finished HTTP/2 body as a premature close: nodejs/node#65677.)
    const code = (err as { code?: string }).code;
    if ((err as { name?: string }).name !== "AbortError" && code !== "ERR_HTTP2_STREAM_ERROR" && code !== "ERR_STREAM_PREMATURE_CLOSE") throw err;
  } finally {
    body.destroy();
  }
  if (pending.trim()) yield JSON.parse(pending) as WatchEvent<T>;
}
