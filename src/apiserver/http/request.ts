// What handlers use of a request, over either transport: HTTP/2 streams (Node's core stream API, ~40% less
// CPU per request than its compatibility layer) and HTTP/1.1 messages.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { IncomingHttpHeaders as H2Headers, ServerHttp2Stream } from "node:http2";
import type { TLSSocket } from "node:tls";
import type { Readable } from "node:stream";
import type { Response } from "./respond.ts";

export interface Request {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly socket: TLSSocket;
  /** The request body as a readable stream. */
  readonly body: Readable;
}

export function fromStream(stream: ServerHttp2Stream, headers: H2Headers): { req: Request; res: Response } {
  const req: Request = {
    method: String(headers[":method"] ?? "GET"),
    url: String(headers[":path"] ?? "/"),
    headers: headers as IncomingHttpHeaders,
    socket: stream.session!.socket as TLSSocket,
    body: stream,
  };
  // A client that resets its stream must not take the server down with an unhandled 'error'.
  stream.on("error", ignoreError);
  return { req, res: new StreamResponse(stream) };
}

const ignoreError = (): void => undefined;

/**
 * A response on an HTTP/2 stream. Nothing the stream holds (listeners, callbacks) leads back here: V8's scavenges
 * keep every stream of Node's alive until the next full GC, and with it whatever it references, so a request's own
 * objects would be promoted with it (~2 KB a request) and make full GCs more frequent.
 */
class StreamResponse implements Response {
  readonly #stream: ServerHttp2Stream;
  #sent = false;

  constructor(stream: ServerHttp2Stream) {
    this.#stream = stream;
  }

  writeHead(code: number, hdrs: Record<string, string | string[]> = {}): void {
    const stream = this.#stream;
    if (stream.destroyed || stream.closed) return;
    stream.respond({ ":status": code, ...hdrs });
    this.#sent = true;
  }

  write(chunk: string | Buffer): boolean {
    return this.#stream.destroyed ? false : this.#stream.write(chunk);
  }

  end(chunk?: string | Buffer): void {
    const stream = this.#stream;
    if (stream.destroyed) return;
    if (!this.#sent) this.writeHead(200);
    deferCompletionDestroy(stream);
    // A client still uploading (e.g. a refused oversized body) is told to stop once the answer is out.
    stream.end(chunk, () => closeIfUploading(stream));
  }

  get headersSent(): boolean {
    return this.#sent;
  }

  get writableLength(): number {
    return this.#stream.writableLength;
  }

  on(event: "close", fn: () => void): this {
    this.#stream.on(event, fn);
    return this;
  }
}

function closeIfUploading(stream: ServerHttp2Stream): void {
  if (!stream.readableEnded && !stream.destroyed) stream.close();
}

/**
 * Node sends a response's END_STREAM with its last DATA frame and destroys the stream as soon as it closes, which is
 * before that last write's callback has run; the stream's Writable then builds an ERR_STREAM_DESTROYED, stack trace
 * and all, for every response to a request with a body (~20 µs, a twentieth of a write's CPU). A plain destroy
 * (no error: the stream closed normally or was reset) that comes while the last write is pending is put off to the
 * next turn of the event loop, after the write's callback. A destroy with an error goes through at once.
 */
function deferCompletionDestroy(stream: ServerHttp2Stream): void {
  const destroy = stream.destroy;
  stream.destroy = function (this: ServerHttp2Stream, err?: Error) {
    if (err || this.writableFinished) return destroy.call(this, err);
    setImmediate(() => { if (!this.destroyed) destroy.call(this); });
    return this;
  };
}

export function fromHttp1(message: IncomingMessage, response: ServerResponse): { req: Request; res: Response } {
  const req: Request = { method: message.method ?? "GET", url: message.url ?? "/", headers: message.headers, socket: message.socket as TLSSocket, body: message };
  return { req, res: response as unknown as Response };
}
