// Build step (run by hand when the Kubernetes version moves): writes schema.json from the protobuf file
// descriptors that kubectl carries (gogo-generated Go code embeds each generated.proto as a gzipped
// FileDescriptorProto), so the facts match the client byte for byte. Two things descriptors cannot say are
// taken from our OpenAPI definitions: which embedded structs Go inlines into the parent's JSON, and which
// non-pointer scalars print even when zero (OpenAPI's "required" = no omitempty).
//   node src/apiserver/protobuf/gen-schema.ts [/path/to/kubectl]
import fs from "node:fs";
import zlib from "node:zlib";
import { definitions } from "../../api/openapi/definitions.ts";
import type { SchemaObject } from "../../api/openapi/types.ts";
import type { FieldTuple, SchemaFile } from "./schema.ts";
import { SCHEMA_FILE, shortName } from "./schema.ts";
import { specialTypes } from "./special.ts";
import { WireReader } from "./wire.ts";

const KUBECTL = process.argv[2] ?? "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

/** Packages of the kinds Berth serves or accepts as bodies (Scale, Eviction, TokenRequest, reviews). */
const PACKAGES = [
  "core.v1", "apps.v1", "batch.v1", "coordination.v1", "discovery.v1", "events.v1", "networking.v1", "policy.v1",
  "autoscaling.v1", "autoscaling.v2", "rbac.v1", "scheduling.v1", "storage.v1", "authentication.v1",
  "authorization.v1",
];
const EXTRA_ROOTS = ["meta.v1.DeleteOptions"];

// FieldDescriptorProto.Type numbers of the scalars decode.ts handles; any other type fails the build.
const SCALARS: Record<number, string> = { 3: "int64", 5: "int32", 8: "bool", 9: "string", 12: "bytes" };
const TYPE_MESSAGE = 11;
const LABEL_REPEATED = 3;
const GOGO_NULLABLE = 65001;

interface RawField {
  name: string;
  number: number;
  repeated: boolean;
  type: string;
  /** gogoproto.nullable=false: a Go value, not a pointer. */
  nonNullable: boolean;
}
interface RawMessage {
  fields: RawField[];
  mapEntry: boolean;
}

/** Visits each (field number, reader positioned at the value) of a message; unvisited values are skipped. */
function fieldsOf(buf: Buffer, start: number, end: number, visit: (field: number, r: WireReader) => boolean): void {
  const r = new WireReader(buf, start, end);
  while (!r.done()) {
    const tag = r.varint();
    if (!visit(Math.floor(tag / 8), r)) r.skip(tag & 7);
  }
}

function str(r: WireReader): string {
  const [s, e] = r.delimited();
  return r.buf.toString("utf8", s, e);
}

function parseField(buf: Buffer, start: number, end: number): RawField {
  const f: RawField = { name: "", number: 0, repeated: false, type: "", nonNullable: false };
  let typeNo = 0;
  fieldsOf(buf, start, end, (no, r) => {
    if (no === 1) f.name = str(r);
    else if (no === 3) f.number = r.varint();
    else if (no === 4) f.repeated = r.varint() === LABEL_REPEATED;
    else if (no === 5) typeNo = r.varint();
    else if (no === 6) f.type = shortName(str(r));
    else if (no === 8) {
      const [s, e] = r.delimited();
      fieldsOf(buf, s, e, (opt, or) => (opt === GOGO_NULLABLE ? ((f.nonNullable = or.varint() === 0), true) : false));
    } else return false;
    return true;
  });
  if (typeNo !== TYPE_MESSAGE) {
    const scalar = SCALARS[typeNo];
    if (!scalar) throw new Error(`field ${f.name}: unsupported descriptor type ${typeNo}`);
    f.type = scalar;
  }
  return f;
}

function parseMessage(buf: Buffer, start: number, end: number, prefix: string, out: Map<string, RawMessage>): void {
  let name = "";
  const msg: RawMessage = { fields: [], mapEntry: false };
  const nested: [number, number][] = [];
  fieldsOf(buf, start, end, (no, r) => {
    if (no === 1) name = str(r);
    else if (no === 2) msg.fields.push(parseField(buf, ...r.delimited()));
    else if (no === 3) nested.push(r.delimited());
    else if (no === 7) {
      const [s, e] = r.delimited();
      fieldsOf(buf, s, e, (opt, or) => (opt === 7 ? ((msg.mapEntry = or.varint() !== 0), true) : false));
    } else return false;
    return true;
  });
  out.set(prefix + name, msg);
  for (const [s, e] of nested) parseMessage(buf, s, e, `${prefix}${name}.`, out);
}

/** Every message of every k8s.io FileDescriptorProto found gzipped inside the binary. */
function messagesInBinary(binary: Buffer): Map<string, RawMessage> {
  const out = new Map<string, RawMessage>();
  const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
  for (let at = binary.indexOf(gzipHeader); at >= 0; at = binary.indexOf(gzipHeader, at + 1)) {
    let file: Buffer;
    try {
      // Raw inflate past the 10-byte gzip header stops at the stream's end, ignoring what follows it.
      file = zlib.inflateRawSync(binary.subarray(at + 10, at + 10 + 4_000_000));
    } catch {
      continue;
    }
    let pkg = "";
    const bodies: [number, number][] = [];
    try {
      fieldsOf(file, 0, file.length, (no, r) => {
        if (no === 2) pkg = str(r);
        else if (no === 4) bodies.push(r.delimited());
        else return false;
        return true;
      });
    } catch {
      continue; // compressed data that is not a descriptor
    }
    if (!pkg.startsWith("k8s.io.")) continue;
    for (const [s, e] of bodies) parseMessage(file, s, e, `${shortName(pkg)}.`, out);
  }
  return out;
}

const definitionName = (message: string): string =>
  message.startsWith("meta.") ? `io.k8s.apimachinery.pkg.apis.${message}` : `io.k8s.api.${message}`;

function propsOf(def: SchemaObject | undefined): Set<string> {
  return new Set(Object.keys(def?.properties ?? {}));
}

function main(): void {
  const all = messagesInBinary(fs.readFileSync(KUBECTL));
  const defs = definitions();
  const notes: string[] = [];
  // Inlined types without a definition of their own are described by their parent's.
  const borrowed = new Map<string, SchemaObject>();
  const out: Record<string, FieldTuple[]> = {};

  const isObjectMetaKind = (m: RawMessage) => m.fields.some((f) => f.name === "metadata" && f.type === "meta.v1.ObjectMeta");
  const queue = [...all].filter(([name, m]) => PACKAGES.some((p) => name.startsWith(`${p}.`)) && isObjectMetaKind(m)).map(([n]) => n);
  queue.push(...EXTRA_ROOTS);

  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (Object.hasOwn(out, name) || Object.hasOwn(specialTypes, name)) continue;
    const msg = all.get(name);
    if (!msg) throw new Error(`message ${name} not found in ${KUBECTL}`);
    const def = defs[definitionName(name)] ?? borrowed.get(name);
    if (!def) notes.push(`no OpenAPI definition for ${name}`);
    const props = propsOf(def);
    const required = new Set(def?.required ?? []);
    out[name] = msg.fields.map((f): FieldTuple => {
      let type = f.type;
      let json = f.name;
      let flags = "";
      const entry = f.repeated ? all.get(type) : undefined;
      if (entry?.mapEntry) {
        const [key, value] = entry.fields;
        if (key?.type !== "string" || !value) throw new Error(`${name}.${f.name}: map key must be a string`);
        type = value.type;
        flags += "m";
      } else if (f.repeated) flags += "r";
      if (type.includes(".")) queue.push(type);
      if (def && !props.has(f.name)) {
        const renamed = [...props].find((p) => p.toLowerCase() === f.name.toLowerCase());
        const inner = f.repeated ? undefined : all.get(type);
        if (renamed) {
          // Proto names derived from Go names: uID for "uid", aPIGroup for "apiGroup".
          json = renamed;
          notes.push(`renamed ${name}.${f.name} -> ${json}`);
        } else if (inner?.fields.some((g) => props.has(g.name))) {
          // An embedded Go struct: the parent's JSON carries the embedded type's fields instead.
          flags += "i";
          if (!defs[definitionName(type)]) borrowed.set(type, def);
          notes.push(`inlined ${name}.${f.name} (${type})`);
        } else notes.push(`kept ${name}.${f.name}: not in OpenAPI (newer than kubernetes-types?)`);
      }
      if (!f.repeated && !type.includes(".") && (!f.nonNullable || required.has(json))) flags += "z";
      return flags ? [f.number, json, type, flags] : [f.number, json, type];
    });
  }

  for (const n of notes.sort()) console.log(n);
  const file: SchemaFile = { source: `descriptors embedded in ${KUBECTL}; see gen-schema.ts`, messages: sortedKeys(out) };
  fs.writeFileSync(SCHEMA_FILE, `${JSON.stringify(file, null, 0).replace(/\],"/g, '],\n"')}\n`);
  console.log(`wrote ${Object.keys(out).length} messages to ${SCHEMA_FILE.pathname}`);
}

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

main();
