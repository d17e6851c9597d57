// The protobuf schema facts Berth needs (schema.json, written by gen-schema.ts): for each message, its fields
// as compact tuples. Message names are upstream's proto names shortened: "k8s.io.api.core.v1.Pod" is
// "core.v1.Pod", "k8s.io.apimachinery.pkg.apis.meta.v1.Time" is "meta.v1.Time", and
// "k8s.io.apimachinery.pkg.api.resource.Quantity" is "api.resource.Quantity".
import fs from "node:fs";
import { groupShortName } from "../../api/openapi/definitions.ts";

/**
 * [field number, JSON name, type, flags]. Type is a scalar name ("string", "int64", ...) or a message name.
 * Flags: "r" repeated; "m" map with string keys (type is the value type); "i" an embedded Go struct whose
 * fields are inlined into the parent's JSON; "z" a zero scalar still prints (Go pointer, or no omitempty).
 */
export type FieldTuple = [number: number, name: string, type: string, flags?: string];

export interface SchemaFile {
  source: string;
  messages: Record<string, FieldTuple[]>;
}

export const SCHEMA_FILE = new URL("./schema.json", import.meta.url);

let loaded: SchemaFile | undefined;

/** Read on first use: only servers that meet a protobuf body pay for it. */
export function schema(): SchemaFile {
  loaded ??= JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as SchemaFile;
  return loaded;
}

/** "k8s.io.api.apps.v1.Deployment" -> "apps.v1.Deployment" (a leading dot, as descriptors write it, is fine). */
export function shortName(protoName: string): string {
  return protoName.replace(/^\.?k8s\.io\.(api\.|apimachinery\.pkg\.apis\.|apimachinery\.pkg\.)/, "");
}

/** The message of a kind sent as a request body; meta.v1 kinds (DeleteOptions) travel under any version. */
export function messageOfKind(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const messages = schema().messages;
  const own = `${groupShortName(group)}.${version}.${kind}`;
  if (Object.hasOwn(messages, own)) return own;
  const meta = `meta.v1.${kind}`;
  return Object.hasOwn(messages, meta) ? meta : undefined;
}
