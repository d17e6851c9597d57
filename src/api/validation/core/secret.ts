// The Secret kind: valid keys, 1 MiB of data, the keys each built-in type requires, immutable type and data.
import type { Secret } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { invalid, invalidEach, required, tooLong, validateImmutableField } from "../field.ts";
import { isConfigMapKey } from "../names.ts";
import { MAX_DATA_SIZE, decodedLength, validateImmutableData } from "./configmap.ts";

const REDACTED = "<secret contents redacted>";

/** Docker config secrets must hold a JSON object (upstream unmarshals into a map). */
function validateJSONKey(data: Record<string, string>, key: string): FieldError[] {
  if (!(key in data)) return [required(`data[${key}]`)];
  try {
    const v = JSON.parse(Buffer.from(data[key], "base64").toString("utf8"));
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("json: cannot unmarshal into Go value of type map[string]interface {}");
    return [];
  } catch (e) {
    return [invalid(`data[${key}]`, REDACTED, (e as Error).message)];
  }
}

function validateType(s: Secret): FieldError[] {
  const data = s.data ?? {};
  switch (s.type) {
    case "kubernetes.io/service-account-token":
      return s.metadata?.annotations?.["kubernetes.io/service-account.name"] ? [] : [required("metadata.annotations[kubernetes.io/service-account.name]")];
    case "kubernetes.io/dockercfg":
      return validateJSONKey(data, ".dockercfg");
    case "kubernetes.io/dockerconfigjson":
      return validateJSONKey(data, ".dockerconfigjson");
    case "kubernetes.io/basic-auth":
      // Either may be empty, but one of them must be present.
      return "username" in data || "password" in data ? [] : [required("data[username]"), required("data[password]")];
    case "kubernetes.io/ssh-auth":
      return decodedLength(data["ssh-privatekey"] ?? "") > 0 ? [] : [required("data[ssh-privatekey]")];
    case "kubernetes.io/tls": {
      const errs: FieldError[] = [];
      if (!("tls.crt" in data)) errs.push(required("data[tls.crt]"));
      if (!("tls.key" in data)) errs.push(required("data[tls.key]"));
      return errs;
    }
    default:
      return [];
  }
}

export function validateSecret(s: Secret, ctx: ValidationContext): FieldError[] {
  const errs: FieldError[] = [];
  if (ctx.old) {
    errs.push(...validateImmutableField(s.type, (ctx.old as Secret).type, "type"));
    errs.push(...validateImmutableData(s, ctx.old, ["data"]));
  }
  let size = 0;
  for (const [k, v] of Object.entries(s.data ?? {})) {
    errs.push(...invalidEach(`data[${k}]`, k, isConfigMapKey(k)));
    size += decodedLength(v);
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong("data", MAX_DATA_SIZE));
  errs.push(...validateType(s));
  return errs;
}
