// managedFields after a non-apply write (create, update, patch): the writer's "Update" entry gains every field
// the write added or changed, other managers lose those fields, and removed fields leave everyone.
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1";
import { compare } from "./compare.ts";
import { type Managed, UNOWNABLE, capUpdateEntries, decodeManaged, encodeEntry, encodeManaged, identifier, isResetRequest, pathsToSet } from "./managed.ts";
import { excluding, transferOwnership } from "./ownership.ts";
import { type ApplySchema, resolverFor } from "./schema.ts";
import { type JsonObject, isObject, withoutManagedFields } from "./values.ts";

export interface UpdateManagedFieldsOptions {
  /** The stored object; undefined on create. */
  old: object | undefined;
  /** The object about to be stored. */
  updated: object;
  manager: string;
  /** group/version the write was made in, e.g. "apps/v1". */
  apiVersion: string;
  /** "status", "scale", ... when the write went through a subresource. */
  subresource?: string;
  /** RFC 3339 timestamp recorded on the writer's entry when it gains fields. */
  time: string;
  schema: ApplySchema;
  /**
   * Paths (field names from the root) this write cannot own, e.g. [["status"]] on the main resource of a kind
   * with a status subresource, or [["spec"], ["metadata"]] on its status subresource.
   */
  resetFields?: readonly (readonly string[])[];
}

const managedFieldsOf = (obj: object | undefined): unknown => {
  const meta = (obj as JsonObject | undefined)?.metadata;
  return isObject(meta) ? meta.managedFields : undefined;
};

function tryDecode(list: unknown): Managed | undefined {
  try {
    return decodeManaged(list);
  } catch {
    return undefined;
  }
}

/**
 * Which entries the write starts from, by upstream's rules: a client may replace managedFields through the
 * main resource by sending a valid non-empty list, and clears them by sending `[]` or `[{}]`; anything else
 * it sends (nothing, or an invalid list) keeps the stored entries. Subresource writes always keep them.
 */
function startingEntries(o: UpdateManagedFieldsOptions): Managed {
  const fromStored = () => tryDecode(managedFieldsOf(o.old)) ?? new Map();
  if (o.subresource) return fromStored();
  const sent = managedFieldsOf(o.updated);
  if (isResetRequest(sent)) return new Map();
  const decoded = tryDecode(sent);
  if (!decoded?.size) return fromStored();
  // A client's spelling of FieldsV1 is not reused: the stored form is always upstream's canonical one.
  for (const e of decoded.values()) delete e.wire;
  return decoded;
}

/** The updated object's new metadata.managedFields (an empty list means the object carries none). */
export function updateManagedFields(o: UpdateManagedFieldsOptions): ManagedFieldsEntry[] {
  const managed = startingEntries(o);
  // Like upstream, an existing object that tracks no fields is not started on by an update (this is also
  // what makes a reset stick).
  if (o.old !== undefined && managed.size === 0) return [];
  const r = resolverFor(o.schema).begin();
  const before = o.old === undefined ? undefined : withoutManagedFields(o.old as JsonObject);
  const c = excluding(compare(r, before, withoutManagedFields(o.updated as JsonObject)), pathsToSet(o.resetFields));
  const taken = c.added.union(c.modified).difference(UNOWNABLE);
  const key = { manager: o.manager, operation: "Update" as const, apiVersion: o.apiVersion, subresource: o.subresource ?? "" };
  // A create that sent no entries (most creates): the writer's is the only one, with no one to take fields
  // from and nothing to cap.
  if (managed.size === 0) return taken.isEmpty ? [] : [encodeEntry({ ...key, time: o.time, set: taken })];
  transferOwnership(managed, undefined, c, true);
  if (!taken.isEmpty) {
    const id = identifier(key);
    const prior = managed.get(id);
    managed.set(id, { ...key, time: o.time, set: prior ? prior.set.union(taken) : taken });
  }
  capUpdateEntries(managed);
  return encodeManaged(managed);
}
