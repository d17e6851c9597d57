// RFC 6902 JSON patch as kube-apiserver applies it (application/json-patch+json). The request is decoded
// first (400 for a body that is not an array of objects, 413 past 10000 operations); after that every
// failure, be it an unknown op, a path that does not resolve or a failing "test", is upstream's one 422
// "the server rejected our request due to an error in our request", which says nothing more.
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { badRequest, patchRejected, tooLarge } from "../../api/errors.ts";
import { goJsonKind } from "./go-text.ts";
import { locate } from "./json-pointer.ts";
import { cloneJson, isObject, jsonEqual, own } from "./json.ts";
import type { JsonObject } from "./json.ts";

/** Upstream's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** The operations of a decoded json patch body, checked as upstream's jsonpatch.DecodePatch checks them. */
export function decodeJsonPatch(patch: unknown): (JsonObject | null)[] {
  // Go decodes a JSON null into a nil slice: a patch with no operations.
  if (patch === null) return [];
  if (!Array.isArray(patch)) throw badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`);
  for (const op of patch) {
    if (op !== null && !isObject(op)) throw badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  return patch;
}

/** Applies `patch` to a copy of `doc`; neither input is modified and the result shares nothing with them. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  let current = cloneJson(doc);
  for (const op of decodeJsonPatch(patch)) {
    const next = op ? applyOperation(current, op) : undefined;
    if (next === undefined) throw patchRejected();
    current = next;
  }
  return current;
}

/** fast-json-patch applies one already-validated operation in place; it throws on prototype keys. */
function run(doc: unknown, op: Operation): unknown {
  try {
    return jsonpatch.applyOperation(doc, op, false, true).newDocument;
  } catch {
    return undefined;
  }
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const target = locate(doc, path, true);
  return target && run(doc, { op: "add", path: target.pointer, value });
}

const valueAt = (t: { parent: JsonObject | unknown[]; key: string }) =>
  Array.isArray(t.parent) ? t.parent[Number(t.key)] : t.parent[t.key];

/** The document after `raw`, or undefined when upstream would reject the operation. */
function applyOperation(doc: unknown, raw: JsonObject): unknown {
  const op = own(raw, "op");
  const path = own(raw, "path");
  if (typeof path !== "string") return undefined;
  // evanphx/json-patch takes a missing "value" as JSON null.
  const value = Object.hasOwn(raw, "value") ? cloneJson(raw.value) : null;
  switch (op) {
    case "add":
      return add(doc, path, value);
    case "remove":
    case "replace": {
      const target = locate(doc, path, false);
      return target && run(doc, op === "remove" ? { op, path: target.pointer } : { op, path: target.pointer, value });
    }
    case "test": {
      const target = locate(doc, path, false);
      // A missing member equals null, as upstream's library has it; a missing parent never matches.
      if (!target) return value === null && locate(doc, path, true) ? doc : undefined;
      return jsonEqual(valueAt(target), value) ? doc : undefined;
    }
    case "move":
    case "copy": {
      const from = own(raw, "from");
      const source = typeof from === "string" ? locate(doc, from, false) : undefined;
      if (!source) return undefined;
      const moved = cloneJson(valueAt(source));
      // A move removes first and then resolves its destination in what is left, as upstream does.
      const rest = op === "move" ? run(doc, { op: "remove", path: source.pointer }) : doc;
      return rest === undefined ? undefined : add(rest, path, moved);
    }
    default:
      return undefined;
  }
}
