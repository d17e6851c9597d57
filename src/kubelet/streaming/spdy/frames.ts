// SPDY/3.1 framing: splitting a byte stream into frames, encoding frames, and the header-block format. Header
// blocks are compressed separately (header-codec.ts) because their zlib contexts span the whole connection.

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const FLAG_SETTINGS_CLEAR = 0x01;
/** Data and control frames carry a 24-bit length. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export const CONTROL = {
  SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9,
} as const;

/** RST_STREAM status codes used here. */
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;

/** Header names are lowercase in SPDY/3; one name may carry several values (NUL-separated on the wire). */
export type SpdyHeaders = Record<string, string[]>;

export interface SettingsEntry { flags: number; id: number; value: number }

/** A frame as read off the wire; header blocks still compressed. */
export type RawFrame =
  | { kind: "data"; streamId: number; flags: number; payload: Buffer }
  | { kind: "control"; type: number; flags: number; payload: Buffer };

/** A decoded frame, header blocks decompressed. */
export type Frame =
  | { type: "data"; streamId: number; fin: boolean; data: Buffer }
  | { type: "syn_stream"; streamId: number; associatedId: number; priority: number; fin: boolean; unidirectional: boolean; headers: SpdyHeaders }
  | { type: "syn_reply"; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: "headers"; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: "rst_stream"; streamId: number; status: number }
  | { type: "settings"; clear: boolean; entries: SettingsEntry[] }
  | { type: "ping"; id: number }
  | { type: "goaway"; lastGoodStreamId: number; status: number }
  | { type: "window_update"; streamId: number; delta: number }
  | { type: "unknown"; controlType: number };

export class SpdyProtocolError extends Error {}

/** Cuts an incoming byte stream into frames; call push() with every chunk, it returns the frames completed. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RawFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: RawFrame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4]!;
      const payload = this.buf.subarray(8, 8 + length);
      if (this.buf[0]! & 0x80) {
        const version = this.buf.readUInt16BE(0) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        out.push({ kind: "control", type: this.buf.readUInt16BE(2), flags, payload });
      } else {
        out.push({ kind: "data", streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, payload });
      }
      this.buf = this.buf.subarray(8 + length);
    }
    return out;
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError("control frame too large");
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};

export function encodeData(streamId: number, data: Buffer, fin: boolean): Buffer {
  if (data.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError("data frame too large");
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

/** `block` is the already compressed header block. */
export function encodeSynStream(streamId: number, block: Buffer, opts: { fin?: boolean; unidirectional?: boolean; associatedId?: number; priority?: number } = {}): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE((opts.associatedId ?? 0) & 0x7fffffff, 4);
  fixed[8] = ((opts.priority ?? 0) & 0x7) << 5;
  const flags = (opts.fin ? FLAG_FIN : 0) | (opts.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
  return controlFrame(CONTROL.SYN_STREAM, flags, Buffer.concat([fixed, block]));
}

export function encodeSynReply(streamId: number, block: Buffer, fin = false): Buffer {
  return controlFrame(CONTROL.SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), block]));
}

export function encodeHeaders(streamId: number, block: Buffer, fin = false): Buffer {
  return controlFrame(CONTROL.HEADERS, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), block]));
}

export const encodeRstStream = (streamId: number, status: number): Buffer => controlFrame(CONTROL.RST_STREAM, 0, u32(streamId & 0x7fffffff, status));
export const encodePing = (id: number): Buffer => controlFrame(CONTROL.PING, 0, u32(id));
export const encodeGoaway = (lastGoodStreamId: number, status = 0): Buffer => controlFrame(CONTROL.GOAWAY, 0, u32(lastGoodStreamId & 0x7fffffff, status));
export const encodeWindowUpdate = (streamId: number, delta: number): Buffer => controlFrame(CONTROL.WINDOW_UPDATE, 0, u32(streamId & 0x7fffffff, delta & 0x7fffffff));

export function encodeSettings(entries: SettingsEntry[], clear = false): Buffer {
  const payload = Buffer.alloc(4 + 8 * entries.length);
  payload.writeUInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    payload[4 + i * 8] = e.flags;
    payload.writeUIntBE(e.id, 5 + i * 8, 3);
    payload.writeUInt32BE(e.value >>> 0, 8 + i * 8);
  });
  return controlFrame(CONTROL.SETTINGS, clear ? FLAG_SETTINGS_CLEAR : 0, payload);
}

/** Serializes headers into an uncompressed SPDY/3 header block (32-bit counts and lengths). */
export function serializeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const names = Object.keys(headers);
  parts.push(u32(names.length));
  for (const name of names) {
    const n = Buffer.from(name.toLowerCase(), "utf8");
    const v = Buffer.from(headers[name]!.join("\0"), "utf8");
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function parseHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let off = 0;
  const need = (n: number) => { if (off + n > block.length) throw new SpdyProtocolError("truncated header block"); };
  need(4);
  const count = block.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const nl = block.readUInt32BE(off);
    off += 4;
    need(nl);
    const name = block.toString("utf8", off, off + nl).toLowerCase();
    off += nl;
    need(4);
    const vl = block.readUInt32BE(off);
    off += 4;
    need(vl);
    const values = block.toString("utf8", off, off + vl).split("\0");
    off += vl;
    (headers[name] ??= []).push(...values);
  }
  return headers;
}

/** Decodes a raw frame; `inflate` decompresses header blocks (in frame order: the zlib context is shared). */
export async function decodeFrame(raw: RawFrame, inflate: (block: Buffer) => Promise<Buffer>): Promise<Frame> {
  if (raw.kind === "data") return { type: "data", streamId: raw.streamId, fin: (raw.flags & FLAG_FIN) !== 0, data: raw.payload };
  const p = raw.payload;
  const fin = (raw.flags & FLAG_FIN) !== 0;
  const need = (n: number) => { if (p.length < n) throw new SpdyProtocolError(`control frame ${raw.type} too short`); };
  const id31 = (at: number) => p.readUInt32BE(at) & 0x7fffffff;
  switch (raw.type) {
    case CONTROL.SYN_STREAM:
      need(10);
      return {
        type: "syn_stream", streamId: id31(0), associatedId: id31(4), priority: p[8]! >> 5, fin,
        unidirectional: (raw.flags & FLAG_UNIDIRECTIONAL) !== 0, headers: parseHeaderBlock(await inflate(p.subarray(10))),
      };
    case CONTROL.SYN_REPLY:
      need(4);
      return { type: "syn_reply", streamId: id31(0), fin, headers: parseHeaderBlock(await inflate(p.subarray(4))) };
    case CONTROL.HEADERS:
      need(4);
      return { type: "headers", streamId: id31(0), fin, headers: parseHeaderBlock(await inflate(p.subarray(4))) };
    case CONTROL.RST_STREAM:
      need(8);
      return { type: "rst_stream", streamId: id31(0), status: p.readUInt32BE(4) };
    case CONTROL.SETTINGS: {
      need(4);
      const n = p.readUInt32BE(0);
      need(4 + 8 * n);
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < n; i++) entries.push({ flags: p[4 + i * 8]!, id: p.readUIntBE(5 + i * 8, 3), value: p.readUInt32BE(8 + i * 8) });
      return { type: "settings", clear: (raw.flags & FLAG_SETTINGS_CLEAR) !== 0, entries };
    }
    case CONTROL.PING:
      need(4);
      return { type: "ping", id: p.readUInt32BE(0) };
    case CONTROL.GOAWAY:
      need(4);
      return { type: "goaway", lastGoodStreamId: id31(0), status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
    case CONTROL.WINDOW_UPDATE:
      need(8);
      return { type: "window_update", streamId: id31(0), delta: id31(4) };
    default:
      return { type: "unknown", controlType: raw.type };
  }
}
