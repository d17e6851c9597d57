// Decodes a Kubernetes protobuf request body (application/vnd.kubernetes.protobuf) into the JSON object the
// same client would have sent as JSON. The body is the 4-byte prefix "k8s\0" and a runtime.Unknown
// {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4}; raw is the object's message.
//
// Go's encoders differ in what they leave out, and the JSON form is the one to reproduce: gogo writes every
// non-pointer field, while encoding/json drops zero scalars tagged omitempty (schema flag "z" marks the
// scalars that print even when zero) and never drops structs (an empty message present is {}).
import { badRequest } from "../../api/errors.ts";
import type { FieldTuple } from "./schema.ts";
import { messageOfKind, schema } from "./schema.ts";
import { specialTypes } from "./special.ts";
import { malformed, WireReader, WIRE_LEN, WIRE_VARINT } from "./wire.ts";

const MAGIC = Buffer.from("k8s\0", "latin1");
const PROTOBUF = "application/vnd.kubernetes.protobuf";

type JsonObject = Record<string, unknown>;

interface Field {
  name: string;
  type: string;
  /** Present when the type is a message. */
  message?: Message;
  special?: (r: WireReader) => unknown;
  repeated: boolean;
  map: boolean;
  inline: boolean;
  keepZero: boolean;
}
interface Message {
  name: string;
  byNumber: (Field | undefined)[];
}

const compiled = new Map<string, Message>();

/** Field tables are built on first use; message references resolve lazily so cycles cannot recurse here. */
function compile(name: string): Message {
  let msg = compiled.get(name);
  if (msg) return msg;
  const tuples: FieldTuple[] | undefined = schema().messages[name];
  if (!tuples) throw new Error(`protobuf schema has no message ${name}`);
  msg = { name, byNumber: [] };
  compiled.set(name, msg);
  for (const [no, fieldName, type, flags = ""] of tuples) {
    msg.byNumber[no] = {
      name: fieldName,
      type,
      repeated: flags.includes("r"),
      map: flags.includes("m"),
      inline: flags.includes("i"),
      keepZero: flags.includes("z"),
      ...(Object.hasOwn(specialTypes, type) ? { special: specialTypes[type] } : {}),
    };
  }
  return msg;
}

function messageOf(f: Field): Message {
  f.message ??= compile(f.type);
  return f.message;
}

function expectWire(actual: number, expected: number, f: Field, owner: Message): void {
  if (actual !== expected) throw malformed(`wrong wire type ${actual} for field ${owner.name}.${f.name}`);
}

/** One value of a field (one element, for repeated fields). */
function readValue(r: WireReader, wireType: number, f: Field, owner: Message): unknown {
  switch (f.type) {
    case "string":
      expectWire(wireType, WIRE_LEN, f, owner);
      return r.string();
    case "bytes": {
      expectWire(wireType, WIRE_LEN, f, owner);
      const [s, e] = r.delimited();
      return r.buf.toString("base64", s, e);
    }
    case "bool":
      expectWire(wireType, WIRE_VARINT, f, owner);
      return r.varint() !== 0;
    case "int32":
      expectWire(wireType, WIRE_VARINT, f, owner);
      return r.int32();
    case "int64":
      expectWire(wireType, WIRE_VARINT, f, owner);
      return r.int64();
  }
  expectWire(wireType, WIRE_LEN, f, owner);
  const [s, e] = r.delimited();
  const sub = new WireReader(r.buf, s, e);
  return f.special ? f.special(sub) : decodeMessage(sub, messageOf(f));
}

/** The value a map entry holds when its value field is absent: the type's zero. */
function zeroOf(f: Field): unknown {
  switch (f.type) {
    case "string": case "bytes": return "";
    case "bool": return false;
    case "int32": case "int64": return 0;
  }
  const empty = new WireReader(Buffer.alloc(0));
  return f.special ? f.special(empty) : {};
}

/** A map entry message {key=1, value=2}; the map's field stands for the value's type. */
function readEntry(r: WireReader, f: Field, owner: Message): [string, unknown] {
  const [s, e] = r.delimited();
  const entry = new WireReader(r.buf, s, e);
  let key = "";
  let value: unknown;
  let hasValue = false;
  while (!entry.done()) {
    const tag = entry.varint();
    const wireType = tag & 7;
    const no = Math.floor(tag / 8);
    if (no === 1) {
      if (wireType !== WIRE_LEN) throw malformed(`wrong wire type ${wireType} for a key of ${owner.name}.${f.name}`);
      key = entry.string();
    } else if (no === 2) {
      value = readValue(entry, wireType, f, owner);
      hasValue = true;
    } else entry.skip(wireType);
  }
  return [key, hasValue ? value : zeroOf(f)];
}

const isZero = (v: unknown): boolean => v === "" || v === 0 || v === false;

function decodeMessage(r: WireReader, msg: Message, into: JsonObject = {}): JsonObject {
  while (!r.done()) {
    const tag = r.varint();
    const wireType = tag & 7;
    const f = msg.byNumber[Math.floor(tag / 8)];
    if (!f) {
      r.skip(wireType);
      continue;
    }
    if (f.map) {
      if (wireType !== WIRE_LEN) throw malformed(`wrong wire type ${wireType} for field ${msg.name}.${f.name}`);
      const [key, value] = readEntry(r, f, msg);
      ((into[f.name] ??= {}) as JsonObject)[key] = value;
    } else if (f.repeated) {
      ((into[f.name] ??= []) as unknown[]).push(readValue(r, wireType, f, msg));
    } else if (f.inline) {
      expectWire(wireType, WIRE_LEN, f, msg);
      const [s, e] = r.delimited();
      decodeMessage(new WireReader(r.buf, s, e), messageOf(f), into);
    } else {
      const value = readValue(r, wireType, f, msg);
      // A later occurrence of a field replaces an earlier one (proto's last-one-wins for scalars).
      if (isZero(value) && !f.keepZero) {
        if (into[f.name] !== undefined) delete into[f.name];
      } else into[f.name] = value;
    }
  }
  return into;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: [number, number];
}

function readEnvelope(body: Buffer): Envelope {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw malformed('the body does not start with the "k8s\\0" protobuf prefix');
  }
  const env: Envelope = { apiVersion: "", kind: "", raw: [0, 0] };
  const r = new WireReader(body, MAGIC.length);
  const text = (): string => {
    const [s, e] = r.delimited();
    return body.toString("utf8", s, e);
  };
  while (!r.done()) {
    const tag = r.varint();
    const wireType = tag & 7;
    const no = Math.floor(tag / 8);
    if (no < 1 || no > 4) {
      r.skip(wireType);
      continue;
    }
    if (wireType !== WIRE_LEN) throw malformed(`wrong wire type ${wireType} for field ${no} of runtime.Unknown`);
    if (no === 1) {
      const [s, e] = r.delimited();
      const meta = new WireReader(body, s, e);
      while (!meta.done()) {
        const mtag = meta.varint();
        const mno = Math.floor(mtag / 8);
        if ((mno === 1 || mno === 2) && (mtag & 7) === WIRE_LEN) {
          const [ms, me] = meta.delimited();
          env[mno === 1 ? "apiVersion" : "kind"] = body.toString("utf8", ms, me);
        } else meta.skip(mtag & 7);
      }
    } else if (no === 2) env.raw = r.delimited();
    else {
      const value = text();
      if (no === 3 && value !== "") throw malformed(`unsupported content encoding "${value}"`);
      if (no === 4 && value !== "" && value !== PROTOBUF) throw malformed(`unsupported content type "${value}"`);
    }
  }
  return env;
}

/** The JSON object (with apiVersion and kind) that a Kubernetes protobuf body encodes; 400 if malformed. */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject {
  const { apiVersion, kind, raw } = readEnvelope(body);
  if (kind === "") throw badRequest("Object 'Kind' is missing in the protobuf body");
  if (apiVersion === "") throw badRequest("Object 'apiVersion' is missing in the protobuf body");
  const message = messageOfKind(apiVersion, kind);
  if (!message) throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in protobuf`);
  return decodeMessage(new WireReader(body, raw[0], raw[1]), compile(message), { apiVersion, kind });
}
