// Server-side apply: merge an applied configuration into the live object and record what the applier owns.
import { badRequest, internal, invalid } from "../../api/errors.ts";
import { compare } from "./compare.ts";
import { conflictError } from "./conflict.ts";
import type { FieldSet } from "./fieldset.ts";
import { fieldSetAndErrors } from "./fieldset-of.ts";
import { type Managed, type ManagedEntry, UNOWNABLE, capUpdateEntries, decodeManaged, encodeManaged, identifier, pathsToSet } from "./managed.ts";
import { merge } from "./merge.ts";
import { excluding, ownedByAnyone, transferOwnership } from "./ownership.ts";
import { prune } from "./prune.ts";
import { type ApplySchema, type Resolver, resolverFor } from "./schema.ts";
import { type JsonObject, isObject, withoutManagedFields } from "./values.ts";
import { cloneJson, jsonEqual } from "../patch/json.ts";

export interface ServerSideApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: object | undefined;
  /** The applied configuration (the request body). */
  applied: object;
  manager: string;
  /** Take fields other managers own instead of failing with a conflict (`--force-conflicts`). */
  force: boolean;
  /** group/version of the endpoint, e.g. "apps/v1"; the configuration must use it. */
  apiVersion: string;
  subresource?: string;
  /** RFC 3339 timestamp recorded on the applier's entry when anything changes. */
  time: string;
  schema: ApplySchema;
  /** Paths (field names from the root) this request cannot own; see UpdateManagedFieldsOptions. */
  resetFields?: readonly (readonly string[])[];
}

export interface ServerSideApplyResult {
  /** The merged object with its new metadata.managedFields (a fresh copy the caller may change). */
  object: JsonObject;
  created: boolean;
}

/** Upstream answers an apply without ?fieldManager= with this 422. */
export function requireApplyManager(fieldManager?: string): string {
  if (!fieldManager) {
    throw invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", [
      { type: "FieldValueRequired", field: "fieldManager", detail: "is required for apply patch" },
    ]);
  }
  return fieldManager;
}

function checkConfiguration(applied: object, apiVersion: string): JsonObject {
  if (!isObject(applied)) throw badRequest("the apply configuration must be a JSON or YAML object");
  if (applied.apiVersion !== apiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? "")}, expected: ${apiVersion}`);
  }
  if (typeof applied.kind !== "string" || !applied.kind) throw badRequest("invalid apply configuration: kind is required");
  const meta = applied.metadata;
  if (!isObject(meta) || typeof meta.name !== "string" || !meta.name) throw badRequest("invalid apply configuration: metadata.name is required");
  if (meta.managedFields !== undefined && meta.managedFields !== null) throw badRequest("metadata.managedFields must be nil");
  return applied;
}

/** "default/web; apps/v1, Kind=Deployment", as upstream names an object in typed-conversion errors. */
function describeObject(obj: JsonObject): string {
  const meta = obj.metadata as JsonObject;
  const apiVersion = String(obj.apiVersion);
  const gv = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
  return `${String(meta.namespace ?? "")}/${String(meta.name)}; ${gv}, Kind=${String(obj.kind)}`;
}

/** Upstream gives an object that predates field tracking to "before-first-apply" before the first apply. */
function adoptUntracked(r: Resolver, live: JsonObject, managed: Managed, o: ServerSideApplyOptions, reset: FieldSet): void {
  const c = excluding(compare(r, undefined, live), reset);
  const set = c.added.union(c.modified).difference(UNOWNABLE);
  if (set.isEmpty) return;
  const key = { manager: "before-first-apply", operation: "Update" as const, apiVersion: o.apiVersion, subresource: o.subresource ?? "" };
  managed.set(identifier(key), { ...key, time: o.time, set });
}

function sameOwnership(a: Map<string, { apiVersion: string; set: FieldSet }>, b: Managed): boolean {
  if (a.size !== b.size) return false;
  for (const [id, e] of b) {
    const prior = a.get(id);
    if (!prior || prior.apiVersion !== e.apiVersion || !prior.set.equals(e.set)) return false;
  }
  return true;
}

/**
 * Applies `applied` for `manager`. Throws a 400 for a malformed configuration and a 409 (causes
 * FieldManagerConflict) when it would change fields other managers own and `force` is off.
 */
export function serverSideApply(o: ServerSideApplyOptions): ServerSideApplyResult {
  const applied = checkConfiguration(o.applied, o.apiVersion);
  const r = resolverFor(o.schema).begin();
  const { set: appliedSet, errors } = fieldSetAndErrors(r, applied);
  if (errors.length) {
    const detail = errors.length === 1 ? errors[0] : ["errors:", ...errors.map((e) => `  ${e}`)].join("\n");
    throw badRequest(`failed to create typed patch object (${describeObject(applied)}): ${detail}`);
  }

  const live = o.live === undefined ? undefined : withoutManagedFields(o.live as JsonObject);
  let managed: Managed;
  try {
    managed = decodeManaged(o.live === undefined ? undefined : (o.live as JsonObject & { metadata?: JsonObject }).metadata?.managedFields);
  } catch (e) {
    throw internal(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const stored = new Map([...managed].map(([id, e]) => [id, { apiVersion: e.apiVersion, set: e.set }]));
  const reset = pathsToSet(o.resetFields);
  if (live && managed.size === 0) adoptUntracked(r, live, managed, o, reset);

  const key = { manager: o.manager, operation: "Apply" as const, apiVersion: o.apiVersion, subresource: o.subresource ?? "" };
  const id = identifier(key);
  const previous = managed.get(id);
  // Metadata nobody may own is dropped up front; no manager holds it, so conflicts and pruning are unaffected.
  let set = appliedSet.recursiveDifference(reset).difference(UNOWNABLE);
  if (previous?.set.equals(set)) set = previous.set;
  const mine: ManagedEntry = { ...previous, ...key, time: previous?.time, set };
  managed.set(id, mine);

  // The merge shares unchanged subtrees with `live`, which keeps the diff below cheap; pruning edits in
  // place, so it gets its own copy.
  let merged = merge(r, live ?? {}, applied) as JsonObject;
  let copied = false;
  if (previous && !previous.set.isSubsetOf(set)) {
    merged = cloneJson(merged);
    copied = true;
    prune(r, merged, previous.set, ownedByAnyone(managed)!);
  }

  const c = excluding(compare(r, live, merged), reset);
  const conflicts = transferOwnership(managed, id, c, o.force);
  if (conflicts.length) throw conflictError(conflicts);
  // A no-op apply keeps every timestamp, so it does not make a new resourceVersion.
  if (managed.has(id) && (!jsonEqual(live, merged) || !sameOwnership(stored, managed))) mine.time = o.time;
  capUpdateEntries(managed);

  if (!copied) merged = cloneJson(merged);
  const meta = merged.metadata as JsonObject;
  const list = encodeManaged(managed);
  if (list.length) meta.managedFields = list;
  else delete meta.managedFields;
  return { object: merged, created: o.live === undefined };
}
