// Builds protobuf wire bytes for tests, one encoded field per call, so inputs read like the messages they
// stand for: msg(1, str(1, "name")) is a field 1 holding a message whose field 1 is "name".
const MAGIC = Buffer.from("k8s\0", "latin1");

export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

export const tag = (field: number, wireType: number): Buffer => varint(field * 8 + wireType);
export const int = (field: number, n: number | bigint): Buffer => Buffer.concat([tag(field, 0), varint(n)]);
export const bool = (field: number, b: boolean): Buffer => int(field, b ? 1 : 0);
export const bytes = (field: number, b: Buffer): Buffer => Buffer.concat([tag(field, 2), varint(b.length), b]);
export const str = (field: number, s: string): Buffer => bytes(field, Buffer.from(s, "utf8"));
export const msg = (field: number, ...fields: Buffer[]): Buffer => bytes(field, Buffer.concat(fields));
/** One map entry: {key=1, value=2}, where `value` is already encoded as field 2. */
export const entry = (field: number, key: string, value: Buffer): Buffer => msg(field, str(1, key), value);

/** The "k8s\0" prefix and a runtime.Unknown carrying the object's fields as raw. */
export function envelope(apiVersion: string, kind: string, ...fields: Buffer[]): Buffer {
  return Buffer.concat([MAGIC, msg(1, str(1, apiVersion), str(2, kind)), msg(2, ...fields), str(3, ""), str(4, "")]);
}
