// A bounds-checked reader of the protobuf wire format. Every read past the end of its range or malformed
// varint fails as a 400: request bodies are untrusted, so a short or garbled body must never crash the server.
import { badRequest } from "../../api/errors.ts";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export function malformed(why: string): Error {
  return badRequest(`the object provided is unrecognized: couldn't decode protobuf body: ${why}`);
}

export class WireReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint; exact up to 2^53, which covers tags, lengths and every positive value we meet. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw malformed("unexpected end of data in a varint");
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw malformed("varint longer than 10 bytes");
  }

  /** A two's-complement int64 varint; negatives take 10 bytes, so those go through BigInt to stay exact. */
  int64(): number {
    const start = this.pos;
    const fast = this.varint();
    if (this.pos - start <= 7) return fast;
    let big = 0n;
    for (let i = start, shift = 0n; i < this.pos; i++, shift += 7n) big |= BigInt(this.buf[i]! & 0x7f) << shift;
    return Number(BigInt.asIntN(64, big));
  }

  /** int32 negatives are sign-extended to 64 bits on the wire; the low 32 bits are the value. */
  int32(): number {
    return this.int64() | 0;
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    const [s, e] = this.delimited();
    return utf8(this.buf, s, e);
  }

  /** The bounds of a length-delimited value, leaving the reader just past it. */
  delimited(): [start: number, end: number] {
    const len = this.varint();
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT: this.varint(); return;
      case WIRE_FIXED64: this.need(8); this.pos += 8; return;
      case WIRE_LEN: this.delimited(); return;
      case WIRE_FIXED32: this.need(4); this.pos += 4; return;
      default: throw malformed(`unsupported wire type ${wireType}`);
    }
  }

  private need(n: number): void {
    if (n > this.end - this.pos) throw malformed("unexpected end of data");
  }
}

// Buffer#toString crosses into C++, which costs more than decoding a short ASCII string (most names, keys
// and values in an object) by hand.
const SHORT = 48;

export function utf8(buf: Buffer, start: number, end: number): string {
  if (end - start > SHORT) return buf.toString("utf8", start, end);
  let out = "";
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return buf.toString("utf8", start, end);
    out += String.fromCharCode(c);
  }
  return out;
}
