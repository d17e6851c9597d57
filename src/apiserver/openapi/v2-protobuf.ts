// The protobuf form of /openapi/v2: the Swagger document as gnostic's openapi.v2.Document message, which
// kubectl downloads (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf) when it validates
// a kind client-side, e.g. create-only kinds such as TokenReview whose v3 document has no PATCH operation.
// The JSON document is first mapped to plain objects keyed by gnostic's field names; a generic encoder then
// writes them using the field numbers in v2-protobuf-fields.json. Values gnostic holds as Any (enum,
// default, vendor extensions) are carried as YAML text; JSON text is YAML, and parses to the same value.
import type { SchemaObject } from "../../api/openapi/types.ts";
import type { OpenAPIV2Document } from "./v2.ts";
import { v2Messages } from "./v2-protobuf-fields.ts";

/** A message as gnostic field name -> value (a scalar, a nested message, or an array for repeated fields). */
interface Msg {
  [field: string]: Value | Value[] | undefined;
}
type Value = string | boolean | number | Msg;

const anyOf = (v: unknown): Msg => ({ yaml: JSON.stringify(v) });

function extensions(o: object): Msg[] | undefined {
  const out: Msg[] = [];
  for (const [name, v] of Object.entries(o)) if (name.startsWith("x-") && v !== undefined) out.push({ name, value: anyOf(v) });
  return out.length ? out : undefined;
}

const named = <T>(o: Record<string, T> | undefined, map: (v: T) => Value): Msg[] =>
  Object.entries(o ?? {}).map(([name, v]) => ({ name, value: map(v) }));

const SCHEMA_KEYS = new Set([
  "$ref", "format", "description", "default", "required", "enum", "additionalProperties", "type", "items", "properties",
]);

function schema(s: SchemaObject): Msg {
  for (const k of Object.keys(s)) {
    if (!SCHEMA_KEYS.has(k) && !k.startsWith("x-")) throw new Error(`openapi v2 protobuf: schema key ${k} has no mapping`);
  }
  const ap = s.additionalProperties;
  return {
    _ref: s.$ref,
    format: s.format,
    description: s.description,
    default: s.default === undefined ? undefined : anyOf(s.default),
    required: s.required,
    enum: s.enum?.map(anyOf),
    additional_properties: ap === undefined ? undefined : typeof ap === "boolean" ? { boolean: ap } : { schema: schema(ap) },
    type: s.type ? { value: [s.type] } : undefined,
    items: s.items ? { schema: [schema(s.items)] } : undefined,
    properties: s.properties ? { additional_properties: named(s.properties, schema) } : undefined,
    vendor_extension: extensions(s),
  };
}

interface ParamV2 {
  name: string;
  in: string;
  description?: string;
  type?: string;
  required?: boolean;
  uniqueItems?: boolean;
  schema?: SchemaObject;
}

const SUB_SCHEMA: Record<string, string> = {
  query: "query_parameter_sub_schema",
  path: "path_parameter_sub_schema",
  header: "header_parameter_sub_schema",
  formData: "form_data_parameter_sub_schema",
};

function parameter(p: ParamV2): Msg {
  if (p.in === "body") {
    const body = { name: p.name, in: p.in, required: p.required, description: p.description, schema: p.schema && schema(p.schema), vendor_extension: extensions(p) };
    return { parameter: { body_parameter: body } };
  }
  const which = SUB_SCHEMA[p.in];
  if (!which) throw new Error(`openapi v2 protobuf: parameter ${p.name} in ${p.in}`);
  const sub = { required: p.required, in: p.in, description: p.description, name: p.name, type: p.type, unique_items: p.uniqueItems, vendor_extension: extensions(p) };
  return { parameter: { non_body_parameter: { [which]: sub } } };
}

interface OperationV2 {
  tags?: string[];
  description?: string;
  operationId?: string;
  consumes?: string[];
  produces?: string[];
  schemes?: string[];
  parameters?: ParamV2[];
  responses?: Record<string, { description?: string; schema?: SchemaObject }>;
}

function operation(o: OperationV2): Msg {
  const responses = named(o.responses, (r) => ({ response: { description: r.description, schema: r.schema && { schema: schema(r.schema) } } }));
  return {
    tags: o.tags,
    description: o.description,
    operation_id: o.operationId,
    produces: o.produces,
    consumes: o.consumes,
    parameters: o.parameters?.map(parameter),
    responses: { response_code: responses },
    schemes: o.schemes,
    vendor_extension: extensions(o),
  };
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch"]);

function pathItem(item: Record<string, unknown>): Msg {
  const out: Msg = {};
  for (const [k, v] of Object.entries(item)) {
    if (METHODS.has(k)) out[k] = operation(v as OperationV2);
    else if (k === "parameters") out.parameters = (v as ParamV2[]).map(parameter);
    else if (!k.startsWith("x-")) throw new Error(`openapi v2 protobuf: path item key ${k} has no mapping`);
  }
  out.vendor_extension = extensions(item);
  return out;
}

interface SecurityV2 {
  type: string;
  name?: string;
  in?: string;
  description?: string;
}

function securityDefinition(d: SecurityV2): Msg {
  if (d.type === "apiKey") return { api_key_security: { type: d.type, name: d.name, in: d.in, description: d.description } };
  if (d.type === "basic") return { basic_authentication_security: { type: d.type, description: d.description } };
  throw new Error(`openapi v2 protobuf: security definition type ${d.type}`);
}

function document(doc: OpenAPIV2Document): Msg {
  return {
    swagger: doc.swagger,
    info: { title: doc.info.title, version: doc.info.version },
    paths: { path: named(doc.paths, pathItem) },
    definitions: { additional_properties: named(doc.definitions, schema) },
    security: doc.security.map((req) => ({ additional_properties: named(req, (scopes) => ({ value: scopes })) })),
    security_definitions: { additional_properties: named(doc.securityDefinitions as Record<string, SecurityV2>, securityDefinition) },
  };
}

/** Appends wire-format fields to a growing buffer; nested messages are written in place and their length
 * prefix widened afterwards, so nothing is encoded twice. */
class Writer {
  buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Non-negative integers up to 2^53. */
  varint(n: number): void {
    this.room(10);
    this.put(n);
  }

  /** A varint where room is already made. */
  private put(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, s: string): void {
    const len = Buffer.byteLength(s);
    this.tag(field, 2);
    this.varint(len);
    this.room(len);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  double(field: number, n: number): void {
    this.tag(field, 1);
    this.room(8);
    this.pos = this.buf.writeDoubleLE(n, this.pos);
  }

  /** Field `field` holding the message `body` writes. */
  message(field: number, body: () => void): void {
    this.tag(field, 2);
    this.room(1);
    const start = ++this.pos; // one byte reserved for the length
    body();
    const len = this.pos - start;
    let width = 1;
    for (let l = len; l >= 0x80; l = Math.floor(l / 0x80)) width++;
    if (width > 1) {
      this.room(width - 1);
      this.buf.copyWithin(start + width - 1, start, this.pos);
    }
    const end = this.pos + width - 1;
    this.pos = start - 1;
    this.put(len);
    this.pos = end;
  }

  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function encode(w: Writer, type: string, m: Msg): void {
  const fields = v2Messages()[type];
  if (!fields) throw new Error(`openapi v2 protobuf: no message ${type}`);
  for (const [name, value] of Object.entries(m)) {
    if (value === undefined) continue;
    const f = fields[name];
    if (!f) throw new Error(`openapi v2 protobuf: ${type} has no field ${name}`);
    const [no, ftype, repeated] = f;
    if (Array.isArray(value) !== (repeated === "r")) throw new Error(`openapi v2 protobuf: ${type}.${name} repeated mismatch`);
    for (const v of Array.isArray(value) ? value : [value]) {
      switch (ftype) {
        case "string": w.string(no, v as string); break;
        case "bool": w.tag(no, 0); w.varint(v ? 1 : 0); break;
        case "int64": w.tag(no, 0); w.varint(v as number); break;
        case "double": w.double(no, v as number); break;
        default: w.message(no, () => encode(w, ftype, v as Msg));
      }
    }
  }
}

/** The document as gnostic's openapi.v2.Document protobuf message. */
export function openapiV2Protobuf(doc: OpenAPIV2Document): Buffer {
  const w = new Writer();
  encode(w, "Document", document(doc));
  return w.bytes();
}
