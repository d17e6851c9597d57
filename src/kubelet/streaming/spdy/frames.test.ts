import { test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import {
  FrameReader, decodeFrame, encodeData, encodeGoaway, encodeHeaders, encodePing, encodeRstStream, encodeSettings,
  encodeSynReply, encodeSynStream, encodeWindowUpdate, parseHeaderBlock, serializeHeaderBlock, SpdyProtocolError,
} from "./frames.ts";
import { HeaderCompressor, HeaderDecompressor } from "./header-codec.ts";
import { SPDY3_DICTIONARY } from "./dictionary.ts";

test("the SPDY/3 dictionary has the spec's length and shape", () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(SPDY3_DICTIONARY.readUInt32BE(0), 7);
  assert.equal(SPDY3_DICTIONARY.toString("latin1", 4, 11), "options");
  assert.ok(SPDY3_DICTIONARY.toString("latin1").endsWith(",*,enq=0."));
});

test("header blocks: serialize and parse keep order, lowercase names, several values per name", () => {
  const block = serializeHeaderBlock({ StreamType: ["stdin"], port: ["80", "8080"], empty: [""] });
  assert.equal(block.readUInt32BE(0), 3);
  assert.deepEqual(parseHeaderBlock(block), { streamtype: ["stdin"], port: ["80", "8080"], empty: [""] });
  assert.throws(() => parseHeaderBlock(block.subarray(0, block.length - 3)), SpdyProtocolError);
});

test("header compression: one context per direction across blocks, readable by plain zlib with the dictionary", async () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  const blocks = [serializeHeaderBlock({ streamtype: ["error"] }), serializeHeaderBlock({ streamtype: ["stdout"] }), serializeHeaderBlock({ big: ["x".repeat(200_000)] })];
  const compressed = [];
  for (const b of blocks) compressed.push(await c.compress(b));
  // Later blocks reuse the earlier ones' history: the second is smaller than it would be alone.
  assert.ok(compressed[1]!.length < zlib.deflateSync(blocks[1]!, { dictionary: SPDY3_DICTIONARY }).length);
  for (let i = 0; i < blocks.length; i++) assert.deepEqual(await d.decompress(compressed[i]!), blocks[i]);
  // An independent inflater (as the peer has) reads the concatenation with the same dictionary.
  const all = zlib.inflateSync(Buffer.concat(compressed), { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  assert.deepEqual(all, Buffer.concat(blocks));
  c.close();
  d.close();
});

test("frames survive encode, arbitrary chunking and decode", async () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  const wire = Buffer.concat([
    encodeSynStream(1, await c.compress(serializeHeaderBlock({ streamtype: ["stdin"] })), { priority: 3 }),
    encodeSynReply(1, await c.compress(serializeHeaderBlock({})), true),
    encodeHeaders(1, await c.compress(serializeHeaderBlock({ a: ["b"] }))),
    encodeData(1, Buffer.from("hello"), false),
    encodeData(3, Buffer.alloc(0), true),
    encodeRstStream(5, 5),
    encodeSettings([{ flags: 0, id: 7, value: 65536 }], true),
    encodePing(2),
    encodeGoaway(4, 0),
    encodeWindowUpdate(1, 1000),
  ]);
  const reader = new FrameReader();
  const raws = [];
  for (let i = 0; i < wire.length; i += 7) raws.push(...reader.push(wire.subarray(i, i + 7)));
  const frames = [];
  for (const r of raws) frames.push(await decodeFrame(r, (b) => d.decompress(b)));
  assert.deepEqual(frames, [
    { type: "syn_stream", streamId: 1, associatedId: 0, priority: 3, fin: false, unidirectional: false, headers: { streamtype: ["stdin"] } },
    { type: "syn_reply", streamId: 1, fin: true, headers: {} },
    { type: "headers", streamId: 1, fin: false, headers: { a: ["b"] } },
    { type: "data", streamId: 1, fin: false, data: Buffer.from("hello") },
    { type: "data", streamId: 3, fin: true, data: Buffer.alloc(0) },
    { type: "rst_stream", streamId: 5, status: 5 },
    { type: "settings", clear: true, entries: [{ flags: 0, id: 7, value: 65536 }] },
    { type: "ping", id: 2 },
    { type: "goaway", lastGoodStreamId: 4, status: 0 },
    { type: "window_update", streamId: 1, delta: 1000 },
  ]);
  c.close();
  d.close();
});

test("control frame header: version 3, type, flags, 24-bit length; other versions are refused", () => {
  const ping = encodePing(9);
  assert.deepEqual([...ping.subarray(0, 8)], [0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04]);
  const data = encodeData(5, Buffer.from("ab"), true);
  assert.deepEqual([...data.subarray(0, 8)], [0, 0, 0, 5, 1, 0, 0, 2]);
  const v2 = Buffer.from(ping);
  v2[1] = 2;
  assert.throws(() => new FrameReader().push(v2), SpdyProtocolError);
});
