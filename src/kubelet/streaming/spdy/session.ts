// A SPDY/3.1 session over an upgraded connection: opens and accepts streams, each a Node Duplex whose end() is the
// stream's half-close (a DATA frame with FIN). Enough of SPDY for Kubernetes streaming (remotecommand and
// port-forward): no server push, no priorities; peers here (Go's spdystream) do not enforce flow control, so
// window updates are neither waited for nor sent.
import { Duplex } from "node:stream";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import {
  FrameReader, decodeFrame, encodeData, encodeGoaway, encodePing, encodeRstStream, encodeSynReply, encodeSynStream,
  serializeHeaderBlock, RST, SpdyProtocolError,
} from "./frames.ts";
import type { Frame, SpdyHeaders } from "./frames.ts";
import { HeaderCompressor, HeaderDecompressor } from "./header-codec.ts";

/** Data frames are cut to this size so one large write does not hold the connection for long. */
const DATA_CHUNK = 32 * 1024;

export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: SpdyHeaders;
  private readonly session: SpdySession;
  /** Set once the peer's SYN_REPLY arrived (streams we opened) or we replied (streams the peer opened). */
  replyHeaders: SpdyHeaders | undefined;
  private remoteEnded = false;
  /** The peer reset the stream: nothing more may be sent on it. */
  private reset_ = false;

  constructor(session: SpdySession, id: number, headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
    this.session = session;
    this.id = id;
    this.headers = headers;
  }

  /** The first value of a request header. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Accepts a stream the peer opened. */
  reply(headers: SpdyHeaders = {}): Promise<void> {
    this.replyHeaders = headers;
    return this.session.send(async (c) => encodeSynReply(this.id, await c.compress(serializeHeaderBlock(headers))));
  }

  /** Abandons the stream in both directions. */
  reset(status: number = RST.CANCEL): void {
    void this.session.send(() => encodeRstStream(this.id, status)).catch(() => undefined);
    this.remoteEnd();
    this.destroy();
  }

  override _read(): void { /* data is pushed as frames arrive */ }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.reset_) return cb();
    const frames: Buffer[] = [];
    for (let off = 0; off < chunk.length; off += DATA_CHUNK) frames.push(encodeData(this.id, chunk.subarray(off, off + DATA_CHUNK), false));
    this.session.send(() => Buffer.concat(frames)).then(() => cb(), (err: Error) => cb(this.session.isClosed ? null : err));
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.reset_) return cb();
    // Once the connection is gone there is no one to tell; the stream still finishes so readers see its data.
    this.session.send(() => encodeData(this.id, Buffer.alloc(0), true)).then(() => cb(), (err: Error) => cb(this.session.isClosed ? null : err));
  }

  /** @internal the session delivers the peer's frames */
  remoteData(data: Buffer, fin: boolean): void {
    if (this.remoteEnded) return;
    if (data.length) this.push(data);
    if (fin) this.remoteEnd();
  }

  /**
   * @internal The peer reset the stream. What it sent stays readable (runtimes reset the error stream right after
   * writing the exit status); writes are dropped.
   */
  remoteReset(): void {
    this.reset_ = true;
    this.remoteEnd();
    this.end();
  }

  /** @internal */
  remoteEnd(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.push(null);
  }
}

export interface SpdySessionOptions {
  /** Clients open odd-numbered streams, servers even-numbered ones. */
  client: boolean;
}

/**
 * Events: "stream" (stream: SpdyStream) when the peer opens one; "close" when the connection ends; "error".
 */
export class SpdySession extends EventEmitter {
  private readonly socket: Duplex | Socket;
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private nextId: number;
  private lastRemoteId = 0;
  /** Outgoing frames in order: header blocks are compressed asynchronously but must keep their place. */
  private outgoing: Promise<unknown> = Promise.resolve();
  /** Incoming frames in order, for the same reason. */
  private incoming: Promise<unknown> = Promise.resolve();
  private closed = false;

  get isClosed(): boolean { return this.closed; }

  constructor(socket: Duplex | Socket, opts: SpdySessionOptions, head?: Buffer) {
    super();
    this.socket = socket;
    this.nextId = opts.client ? 1 : 2;
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    // Frames still being decoded are delivered before the streams end.
    const ended = () => void this.incoming.then(() => this.shutdown());
    socket.on("end", ended);
    socket.on("close", ended);
    socket.on("error", (err) => { this.report(err); ended(); });
    if (head?.length) this.receive(head);
  }

  /** Opens a stream with the given request headers; the peer's SYN_REPLY is awaited with `replied(stream)`. */
  open(headers: Record<string, string>): SpdyStream {
    const id = this.nextId;
    this.nextId += 2;
    const spdyHeaders: SpdyHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]]));
    const stream = new SpdyStream(this, id, spdyHeaders);
    this.track(stream);
    void this.send(async (c) => encodeSynStream(id, await c.compress(serializeHeaderBlock(spdyHeaders)))).catch((err) => stream.destroy(err));
    return stream;
  }

  /** Resolves when the peer accepted the stream (SYN_REPLY), rejects if it refused or the session ended first. */
  replied(stream: SpdyStream): Promise<SpdyHeaders> {
    if (stream.replyHeaders) return Promise.resolve(stream.replyHeaders);
    return new Promise((resolve, reject) => {
      const onReply = (h: SpdyHeaders) => { cleanup(); resolve(h); };
      const onClose = () => { cleanup(); reject(new Error(`SPDY stream ${stream.id} closed before its reply`)); };
      const cleanup = () => { stream.off("spdy-reply", onReply); stream.off("close", onClose); };
      stream.once("spdy-reply", onReply);
      stream.once("close", onClose);
    });
  }

  /** Queues a frame; `build` runs in turn, so header compression keeps frame order. */
  send(build: (c: HeaderCompressor) => Buffer | Promise<Buffer>): Promise<void> {
    const next = this.outgoing.then(async () => {
      if (this.closed) throw new Error("SPDY session closed");
      const frame = await build(this.compressor);
      await new Promise<void>((resolve, reject) => this.socket.write(frame, (err) => (err ? reject(err) : resolve())));
    });
    this.outgoing = next.catch(() => undefined);
    return next;
  }

  /** Says goodbye and closes the connection once queued frames are written. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.send(() => encodeGoaway(this.lastRemoteId)).catch(() => undefined);
    this.socket.end();
    this.shutdown();
  }

  destroy(): void {
    this.socket.destroy();
    this.shutdown();
  }

  private track(stream: SpdyStream): void {
    this.streams.set(stream.id, stream);
    stream.on("close", () => this.streams.delete(stream.id));
    // A stream is finished once both halves are: our FIN sent and the peer's received.
    let ended = false;
    let finished = false;
    const done = () => { if (ended && finished) stream.destroy(); };
    stream.once("end", () => { ended = true; done(); });
    stream.once("finish", () => { finished = true; done(); });
    stream.on("error", () => undefined);
  }

  private receive(chunk: Buffer): void {
    let frames;
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    for (const raw of frames) {
      this.incoming = this.incoming
        .then(() => decodeFrame(raw, (b) => this.decompressor.decompress(b)))
        .then((f) => this.dispatch(f), (err) => this.fail(err as Error));
    }
  }

  private dispatch(f: Frame): void {
    switch (f.type) {
      case "data":
        this.streams.get(f.streamId)?.remoteData(f.data, f.fin);
        return;
      case "syn_stream": {
        this.lastRemoteId = f.streamId;
        const stream = new SpdyStream(this, f.streamId, f.headers);
        this.track(stream);
        if (f.fin) stream.remoteEnd();
        if (this.listenerCount("stream")) this.emit("stream", stream);
        else stream.reset(RST.REFUSED_STREAM);
        return;
      }
      case "syn_reply": {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.replyHeaders = f.headers;
        s.emit("spdy-reply", f.headers);
        if (f.fin) s.remoteEnd();
        return;
      }
      case "headers":
        if (f.fin) this.streams.get(f.streamId)?.remoteEnd();
        return;
      case "rst_stream": {
        const s = this.streams.get(f.streamId);
        s?.remoteReset();
        return;
      }
      case "ping":
        // Pings the peer started (the other parity) are echoed; ours are never sent.
        if ((f.id % 2 === 1) !== (this.nextId % 2 === 1)) void this.send(() => encodePing(f.id)).catch(() => undefined);
        return;
      case "goaway":
        this.socket.end();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and unknown control frames carry nothing this session acts on.
        return;
    }
  }

  private fail(err: Error): void {
    this.report(err instanceof SpdyProtocolError ? err : new SpdyProtocolError(err.message));
    this.destroy();
  }

  private report(err: Error): void {
    if (this.listenerCount("error")) this.emit("error", err);
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    // Streams end rather than being destroyed: data already received stays readable.
    for (const s of this.streams.values()) {
      s.remoteEnd();
      s.end();
    }
    this.compressor.close();
    this.decompressor.close();
    this.emit("close");
  }
}
