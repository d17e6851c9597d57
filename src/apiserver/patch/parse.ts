// Decoding a PATCH body for the three non-apply patch types, rejecting what upstream rejects with its words:
// json and strategic patches fail with encoding/json's messages, merge patches with "Invalid JSON Patch".
import { badRequest } from "../../api/errors.ts";
import { goJsonSyntaxError } from "./go-json-syntax.ts";
import { goJsonKind } from "./go-text.ts";
import { decodeJsonPatch } from "./json-patch.ts";

export type PatchType = "json" | "merge" | "strategic";

/** evanphx/json-patch's ErrBadJSONPatch, which upstream returns for any merge patch that is not an object or array. */
const BAD_MERGE_PATCH = "Invalid JSON Patch";

/** The patch as JSON, or a 400 (413 for a json patch of too many operations). */
export function parsePatchBody(bytes: Buffer | string, type: PatchType): unknown {
  const data = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  const syntaxError = goJsonSyntaxError(data);
  if (syntaxError) throw badRequest(type === "merge" ? BAD_MERGE_PATCH : syntaxError);
  const patch: unknown = JSON.parse(data.toString("utf8"));
  switch (type) {
    case "json":
      decodeJsonPatch(patch);
      return patch;
    case "merge":
      if (patch === null || typeof patch !== "object") throw badRequest(BAD_MERGE_PATCH);
      return patch;
    case "strategic":
      // Go decodes null into the empty map it was given: a patch that changes nothing.
      if (patch === null) return {};
      if (typeof patch !== "object" || Array.isArray(patch)) {
        throw badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
      }
      return patch;
  }
}
