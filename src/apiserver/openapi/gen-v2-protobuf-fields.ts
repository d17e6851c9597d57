// Build step (run by hand when the Kubernetes version moves): writes v2-protobuf-fields.json, the field
// numbers of gnostic's openapi.v2 messages (the protobuf form of /openapi/v2 that kubectl downloads), read
// from the FileDescriptorProto "openapiv2/OpenAPIv2.proto" that kubectl carries. protoc-gen-go embeds it
// uncompressed, so it is found by its name field: 0x0a, length, "openapiv2/OpenAPIv2.proto".
//   node src/apiserver/openapi/gen-v2-protobuf-fields.ts [/path/to/kubectl]
import fs from "node:fs";
import { WireReader } from "../protobuf/wire.ts";
import { FIELDS_FILE, type FieldsFile, type ProtoField } from "./v2-protobuf-fields.ts";

const KUBECTL = process.argv[2] ?? "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";
const FILE_NAME = "openapiv2/OpenAPIv2.proto";
// FieldDescriptorProto.Type numbers gnostic's file uses.
const TYPES: Record<number, string> = { 1: "double", 3: "int64", 8: "bool", 9: "string", 11: "message", 14: "enum" };
const LABEL_REPEATED = 3;
const FILE_SYNTAX = 12; // the last field protoc-gen-go writes
/** The messages v2-protobuf.ts writes; the file keeps only these. */
const EMITTED = [
  "Document", "Info", "Paths", "NamedPathItem", "PathItem", "Operation", "ParametersItem", "Parameter", "BodyParameter",
  "NonBodyParameter", "QueryParameterSubSchema", "PathParameterSubSchema", "HeaderParameterSubSchema",
  "FormDataParameterSubSchema", "Responses", "NamedResponseValue", "ResponseValue", "Response", "SchemaItem",
  "Definitions", "NamedSchema", "Schema", "TypeItem", "ItemsItem", "Properties", "AdditionalPropertiesItem", "Any",
  "NamedAny", "SecurityRequirement", "NamedStringArray", "StringArray", "SecurityDefinitions",
  "NamedSecurityDefinitionsItem", "SecurityDefinitionsItem", "ApiKeySecurity", "BasicAuthenticationSecurity",
];

function visit(buf: Buffer, start: number, end: number, each: (no: number, r: WireReader) => boolean): void {
  const r = new WireReader(buf, start, end);
  while (!r.done()) {
    const tag = r.varint();
    if (!each(Math.floor(tag / 8), r)) r.skip(tag & 7);
  }
}

const str = (r: WireReader): string => r.buf.toString("utf8", ...r.delimited());

function field(buf: Buffer, s: number, e: number): [string, ProtoField] {
  let name = "";
  let typeNo = 0;
  let typeName = "";
  const f: ProtoField = [0, ""];
  visit(buf, s, e, (no, r) => {
    if (no === 1) name = str(r);
    else if (no === 3) f[0] = r.varint();
    else if (no === 4) { if (r.varint() === LABEL_REPEATED) f[2] = "r"; }
    else if (no === 5) typeNo = r.varint();
    else if (no === 6) typeName = str(r).replace(/^\.openapi\.v2\./, "");
    else return false;
    return true;
  });
  const type = TYPES[typeNo];
  if (!type) throw new Error(`field ${name}: unexpected descriptor type ${typeNo}`);
  f[1] = type === "message" || type === "enum" ? typeName : type;
  return [name, f];
}

function main(): void {
  const bin = fs.readFileSync(KUBECTL);
  const marker = Buffer.concat([Buffer.from([0x0a, FILE_NAME.length]), Buffer.from(FILE_NAME)]);
  const at = bin.indexOf(marker);
  if (at < 0) throw new Error(`${FILE_NAME} descriptor not found in ${KUBECTL}`);
  const messages: Record<string, Record<string, ProtoField>> = {};
  const r = new WireReader(bin, at, bin.length);
  let pkg = "";
  for (let no = 0; no !== FILE_SYNTAX;) {
    const tag = r.varint();
    no = Math.floor(tag / 8);
    if (no === 2) pkg = str(r);
    else if (no === 4) {
      const [s, e] = r.delimited();
      let name = "";
      const fields: Record<string, ProtoField> = {};
      visit(bin, s, e, (fno, fr) => {
        if (fno === 1) name = str(fr);
        else if (fno === 2) {
          const [k, v] = field(bin, ...fr.delimited());
          fields[k] = v;
        } else return false;
        return true;
      });
      if (EMITTED.includes(name)) messages[name] = fields;
    } else r.skip(tag & 7);
  }
  if (pkg !== "openapi.v2") throw new Error(`unexpected package ${pkg}`);
  const missing = EMITTED.filter((m) => !messages[m]);
  if (missing.length) throw new Error(`messages not in the descriptor: ${missing.join(", ")}`);
  const file: FieldsFile = { source: `${FILE_NAME} descriptor embedded in ${KUBECTL}; see gen-v2-protobuf-fields.ts`, messages };
  fs.writeFileSync(FIELDS_FILE, `${JSON.stringify(file, null, 0).replace(/\},"/g, '},\n"')}\n`);
  console.log(`wrote ${Object.keys(messages).length} messages to ${FIELDS_FILE.pathname}`);
}

main();
