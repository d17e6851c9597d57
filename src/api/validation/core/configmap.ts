// The ConfigMap kind: keys usable as file names, data/binaryData disjoint, 1 MiB in total, and `immutable`.
import type { ConfigMap } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { forbidden, invalid, invalidEach, isEqual, tooLong } from "../field.ts";
import { isConfigMapKey } from "../names.ts";

/** Upstream's MaxSecretSize, shared by ConfigMaps and Secrets. */
export const MAX_DATA_SIZE = 1024 * 1024;
const IMMUTABLE = "field is immutable when `immutable` is set";

/** Bytes a base64 value decodes to. */
export const decodedLength = (b64: string): number => Buffer.from(b64 ?? "", "base64").length;

/** `immutable: true` freezes the listed data fields and itself. */
export function validateImmutableData(obj: any, old: any, fields: string[]): FieldError[] {
  if (old?.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden("immutable", IMMUTABLE));
  for (const f of fields) if (!isEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbidden(f, IMMUTABLE));
  return errs;
}

export function validateConfigMap(cm: ConfigMap, ctx: ValidationContext): FieldError[] {
  const errs = ctx.old ? validateImmutableData(cm, ctx.old, ["data", "binaryData"]) : [];
  const data = cm.data ?? {};
  const binary = cm.binaryData ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...invalidEach(`data[${k}]`, k, isConfigMapKey(k)));
    if (k in binary) errs.push(invalid(`data[${k}]`, k, "duplicate of key present in binaryData"));
    size += Buffer.byteLength(v ?? "");
  }
  for (const [k, v] of Object.entries(binary)) {
    errs.push(...invalidEach(`binaryData[${k}]`, k, isConfigMapKey(k)));
    if (k in data) errs.push(invalid(`binaryData[${k}]`, k, "duplicate of key present in data"));
    size += decodedLength(v);
  }
  // Upstream reports the size at the empty path: the error is about the whole object.
  if (size > MAX_DATA_SIZE) errs.push(tooLong("", MAX_DATA_SIZE));
  return errs;
}
