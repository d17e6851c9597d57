// RFC 7386 JSON merge patch (application/merge-patch+json) with the details of the library kube-apiserver
// uses (evanphx/json-patch): null deletes a member, objects merge recursively, anything else (arrays
// included) replaces, and nulls inside a value that is set rather than merged are dropped, even inside arrays.
import { cloneJson, isObject, own, put } from "./json.ts";
import type { JsonObject } from "./json.ts";

/** Applies `patch` to `doc` and returns a new value; neither input is modified or shared with the result. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return pruneNulls(cloneJson(patch));
  return mergeInto(isObject(doc) ? cloneJson(doc) : {}, cloneJson(patch));
}

function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = own(target, key);
    if (isObject(current)) put(target, key, isObject(value) ? mergeInto(current, value) : value);
    else put(target, key, pruneNulls(value));
  }
  return target;
}

/** Drops null members of objects at any depth; null array elements stay, as upstream keeps them. */
function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(pruneNulls);
  else if (isObject(value)) {
    for (const [key, member] of Object.entries(value)) {
      if (member === null) delete value[key];
      else pruneNulls(member);
    }
  }
  return value;
}
