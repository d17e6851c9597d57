// Messages whose JSON form is not an object of their fields: Go gives these types their own JSON marshalers
// (a Quantity is a string, a Time an RFC 3339 string or null, an IntOrString a number or a string, ...).
// Each decoder gets a reader over exactly the message's bytes and returns the JSON value Go would print.
import { malformed, WireReader, WIRE_LEN, WIRE_VARINT } from "./wire.ts";

type SpecialDecoder = (r: WireReader) => unknown;

/** Calls `onField` for each field; the callback must consume the value (or return false to have it skipped). */
function eachField(r: WireReader, onField: (field: number, wireType: number) => boolean): void {
  while (!r.done()) {
    const tag = r.varint();
    const wireType = tag & 7;
    if (!onField(Math.floor(tag / 8), wireType)) r.skip(wireType);
  }
}

function expectWire(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw malformed(`wrong wire type ${actual} for ${what}`);
}

function stringField(r: WireReader): string {
  const [s, e] = r.delimited();
  return r.buf.toString("utf8", s, e);
}

// The range Go's Time.MarshalJSON accepts (years 0000..9999).
const MIN_SECONDS = -62167219200;
const MAX_SECONDS = 253402300799;
// time.Time{} (Go's zero time) as Unix seconds: a zero Time prints as null.
const GO_ZERO_SECONDS = -62135596800;

/**
 * meta.v1.Time and MicroTime: {seconds=1, nanos=2}; an empty message is the zero time. Go's Time drops the
 * nanoseconds when decoding; MicroTime keeps them, carrying whole seconds over as time.Unix does.
 */
function timestamp(micro: boolean): SpecialDecoder {
  return (r) => {
    let seconds = 0;
    let nanos = 0;
    let empty = true;
    eachField(r, (field, wireType) => {
      if (field !== 1 && field !== 2) return false;
      expectWire(wireType, WIRE_VARINT, "a timestamp");
      empty = false;
      if (field === 1) seconds = r.int64();
      else nanos = r.int32();
      return true;
    });
    if (!micro) nanos = 0;
    const carry = Math.floor(nanos / 1e9);
    seconds += carry;
    nanos -= carry * 1e9;
    if (empty || (seconds === GO_ZERO_SECONDS && nanos === 0)) return null;
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw malformed(`time ${seconds}s is outside years 0000-9999`);
    const base = new Date(seconds * 1000).toISOString().slice(0, 19);
    // MicroTime always prints six digits, truncated as Go's Format does.
    return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${base}Z`;
  };
}

/** resource.Quantity: {string=1}; the zero Quantity prints as "0". */
const quantity: SpecialDecoder = (r) => {
  let value = "0";
  eachField(r, (field, wireType) => {
    if (field !== 1) return false;
    expectWire(wireType, WIRE_LEN, "a quantity");
    value = stringField(r);
    return true;
  });
  return value;
};

/** intstr.IntOrString: {type=1 (0 int, 1 string), intVal=2, strVal=3}. */
const intOrString: SpecialDecoder = (r) => {
  let type = 0;
  let intVal = 0;
  let strVal = "";
  eachField(r, (field, wireType) => {
    if (field === 1 || field === 2) {
      expectWire(wireType, WIRE_VARINT, "an int-or-string");
      if (field === 1) type = r.int64();
      else intVal = r.int32();
      return true;
    }
    if (field !== 3) return false;
    expectWire(wireType, WIRE_LEN, "an int-or-string");
    strVal = stringField(r);
    return true;
  });
  return type === 1 ? strVal : intVal;
};

/** A message holding raw JSON in field 1 (RawExtension.raw, FieldsV1.Raw): absent prints as null. */
const rawJson: SpecialDecoder = (r) => {
  let value: unknown = null;
  eachField(r, (field, wireType) => {
    if (field !== 1) return false;
    expectWire(wireType, WIRE_LEN, "raw JSON");
    const [s, e] = r.delimited();
    if (e === s) return true;
    try {
      value = JSON.parse(r.buf.toString("utf8", s, e));
    } catch (err) {
      throw malformed(`embedded raw JSON is invalid: ${(err as Error).message}`);
    }
    return true;
  });
  return value;
};

/** authentication/authorization ExtraValue is a named []string in Go: {items=1 repeated} prints as an array. */
const stringList: SpecialDecoder = (r) => {
  const items: string[] = [];
  eachField(r, (field, wireType) => {
    if (field !== 1) return false;
    expectWire(wireType, WIRE_LEN, "a string list");
    items.push(stringField(r));
    return true;
  });
  return items;
};

/** Keyed by our short message names (see schema.ts). */
export const specialTypes: Readonly<Record<string, SpecialDecoder>> = {
  "api.resource.Quantity": quantity,
  "meta.v1.Time": timestamp(false),
  "meta.v1.MicroTime": timestamp(true),
  "util.intstr.IntOrString": intOrString,
  "runtime.RawExtension": rawJson,
  "meta.v1.FieldsV1": rawJson,
  "authentication.v1.ExtraValue": stringList,
  "authorization.v1.ExtraValue": stringList,
};
