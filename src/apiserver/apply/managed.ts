// metadata.managedFields in memory: one entry per manager identifier, decoded from and encoded to the wire
// list the way upstream does (validation, identity, ordering, and the cap on Update entries).
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1";
import { FieldSet, type FieldsV1, fieldElement, fromFieldsV1, toFieldsV1 } from "./fieldset.ts";
import { isObject } from "./values.ts";
import { cloneJson } from "../patch/json.ts";

export type Operation = "Apply" | "Update";

export interface ManagedEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource: string;
  time: string | undefined;
  set: FieldSet;
  /** The FieldsV1 this entry was decoded from, reused while `set` is still the decoded set. */
  wire?: { set: FieldSet; fieldsV1: unknown };
}

/** Entries keyed by manager identifier. */
export type Managed = Map<string, ManagedEntry>;

/**
 * upstream's manager identifier: the entry's JSON without fields and time, and without apiVersion for
 * appliers so that an applier keeps one entry across versions. Sorting these strings orders managers as
 * upstream's conflict messages do.
 */
export function identifier(e: { manager: string; operation: Operation; apiVersion: string; subresource: string }): string {
  const id: Record<string, string> = {};
  if (e.manager) id.manager = e.manager;
  id.operation = e.operation;
  if (e.operation === "Update" && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** How conflicts name a manager: `"kubectl" with subresource "scale" using apps/v1`. */
export function describeManager(e: ManagedEntry): string {
  let out = JSON.stringify(e.manager);
  if (e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === "Update") out += ` using ${e.apiVersion}`;
  return out;
}

/** Decodes a wire list; throws an Error saying which entry is malformed, as upstream refuses the whole list. */
export function decodeManaged(list: unknown): Managed {
  const out: Managed = new Map();
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new Error("managedFields must be a list");
  list.forEach((raw: unknown, i) => {
    if (!isObject(raw)) throw new Error(`managed fields entry ${i} must be an object`);
    const e = raw as ManagedFieldsEntry;
    if (e.operation !== "Apply" && e.operation !== "Update") throw new Error("operation must be `Apply` or `Update`");
    if (!e.apiVersion) throw new Error("apiVersion must not be empty");
    if (e.fieldsType !== "FieldsV1") {
      throw new Error(e.fieldsType ? `invalid fieldsType "${e.fieldsType}" in managed fields entry ${i}` : `missing fieldsType in managed fields entry ${i}`);
    }
    const set = fromFieldsV1(e.fieldsV1 ?? {});
    const entry: ManagedEntry = {
      manager: e.manager ?? "",
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource ?? "",
      time: e.time,
      set,
      wire: { set, fieldsV1: e.fieldsV1 ?? {} },
    };
    out.set(identifier(entry), entry);
  });
  return out;
}

/** `[]` or `[{}]` sent by a client asks for managedFields to be cleared. */
export function isResetRequest(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  if (list.length === 0) return true;
  return list.length === 1 && isObject(list[0]) && Object.values(list[0]).every((v) => v === undefined || v === null || v === "");
}

const seconds = (time: string | undefined): number => {
  const ms = time ? Date.parse(time) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Encodes entries in upstream's order: Apply before Update, then oldest first, then by name. */
export function encodeManaged(managed: Managed): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((e) => !e.set.isEmpty);
  entries.sort((p, q) => cmp(p.operation, q.operation) || seconds(p.time) - seconds(q.time) ||
    cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource, q.subresource));
  return entries.map(encodeEntry);
}

/** One entry's wire form. */
export function encodeEntry(e: ManagedEntry): ManagedFieldsEntry {
  return {
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time ? { time: e.time } : {}),
    fieldsType: "FieldsV1",
    // Unchanged entries keep their stored encoding (copied), which spares re-sorting every node.
    fieldsV1: e.wire?.set === e.set ? cloneJson(e.wire.fieldsV1) as FieldsV1 : toFieldsV1(e.set),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  };
}

export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = "ancient-changes";

/**
 * Keeps at most `max` Update entries by folding the oldest into one "ancient-changes" entry per apiVersion,
 * as upstream does so that managedFields cannot grow without bound. Mutates `managed`.
 */
export function capUpdateEntries(managed: Managed, max = MAX_UPDATE_MANAGERS): void {
  if (managed.size <= max) return;
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === "Update");
  if (updaters.length <= max) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || cmp(ia, ib));
  const firstByVersion = new Map<string, string>();
  let count = updaters.length;
  for (let i = 0; i < updaters.length && count > max; i++) {
    const [id, entry] = updaters[i];
    const bucketId = identifier({ manager: ANCIENT_CHANGES, operation: "Update", apiVersion: entry.apiVersion, subresource: "" });
    const first = firstByVersion.get(entry.apiVersion);
    if (first === undefined || id === bucketId) {
      if (first === undefined) firstByVersion.set(entry.apiVersion, id);
      continue;
    }
    let bucket = managed.get(bucketId);
    if (!bucket) {
      // The first entry seen at this version becomes the bucket.
      const moved = managed.get(first)!;
      managed.delete(first);
      bucket = { ...moved, manager: ANCIENT_CHANGES, subresource: "" };
      managed.set(bucketId, bucket);
    }
    bucket.set = bucket.set.union(entry.set);
    if (seconds(entry.time) >= seconds(bucket.time)) bucket.time = entry.time;
    managed.delete(id);
    count--;
  }
}

/** Fields no manager can own (upstream's stripped metadata), as exact paths. */
export const UNOWNABLE = FieldSet.of(
  [fieldElement("apiVersion")], [fieldElement("kind")], [fieldElement("metadata")],
  ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"]
    .map((f) => [fieldElement("metadata"), fieldElement(f)]),
);

/** A set holding each of `paths` (field names from the root), for resetFields options. */
export function pathsToSet(paths: readonly (readonly string[])[] | undefined): FieldSet {
  return FieldSet.of(...(paths ?? []).map((p) => p.map(fieldElement)));
}
