// Field facts of gnostic's openapi.v2 messages (package openapi.v2), generated into v2-protobuf-fields.json
// by gen-v2-protobuf-fields.ts: per message, per field name, [number, type, "r" if repeated]. Types are
// scalar names (string, bool, double, int64) or another message's (or enum's) short name.
import fs from "node:fs";

export type ProtoField = [number: number, type: string, repeated?: "r"];

export interface FieldsFile {
  source: string;
  messages: Record<string, Record<string, ProtoField>>;
}

export const FIELDS_FILE = new URL("./v2-protobuf-fields.json", import.meta.url);

let loaded: FieldsFile["messages"] | undefined;

export function v2Messages(): FieldsFile["messages"] {
  return (loaded ??= (JSON.parse(fs.readFileSync(FIELDS_FILE, "utf8")) as FieldsFile).messages);
}
