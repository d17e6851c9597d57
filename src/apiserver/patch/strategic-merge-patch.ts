// Kubernetes strategic merge patch (application/strategic-merge-patch+json), applied as kube-apiserver applies
// it: JSON merge patch, except that lists whose field declares patch strategy "merge" are merged (maps by their
// merge key, primitives as ordered sets), "replace" fields are replaced whole, and these directives work:
//   $patch: replace | delete      on a map; on a list element, replace the list or delete the element by key
//   $retainKeys: [...]            clear the map's fields not listed (the patch may only set listed ones)
//   $setElementOrder/<list>: [...] the order of the merged list
//   $deleteFromPrimitiveList/<list>: [...]  remove these values from a primitive list
// Upstream stores a value the original lacks as the patch has it and lets decoding into Go structs drop what
// structs cannot hold (directives, nulls); Berth has no such decoding step, so such values are applied to
// nothing instead, which leaves the same result without the directives.
import { goJsonKind } from "./go-text.ts";
import { cloneJson, isObject, jsonEqual, own, put } from "./json.ts";
import type { JsonObject } from "./json.ts";
import { fieldMeta, itemMeta, rootSchema } from "./patch-schema.ts";
import type { FieldPatchMeta, PatchSchema } from "./patch-schema.ts";
import {
  badArgType, badPatchType, badPrimitiveList, badRetainKeys, badSetElementOrder, listOfLists, mergeDirectiveInList,
  mixedElements, noMergeKey, noMergeKeyDeclared, orderMismatch,
} from "./smp-errors.ts";
import { orderMerged } from "./smp-order.ts";
import { badRequest } from "../../api/errors.ts";
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";

export type { PatchSchema } from "./patch-schema.ts";

const PATCH = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM = "$deleteFromPrimitiveList";
const SET_ORDER = "$setElementOrder";

/** Applies `patch` to `doc` and returns a new object; neither input is modified or shared with the result. */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, schema: PatchSchema): JsonObject {
  if (!isObject(patch)) throw badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  const base = isObject(doc) ? cloneJson(doc) : {};
  return new Merger(schema.definitions).mergeMap(base, cloneJson(patch), rootSchema(schema));
}

/** The list a `$prefix/<list>` directive names. */
function directiveTarget(key: string, prefix: string, malformed: () => Error): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) throw malformed();
  return key.slice(slash + 1);
}

const shape = (v: unknown) => (Array.isArray(v) ? "list" : isObject(v) ? "map" : "scalar");
const hasDirective = (v: unknown): v is JsonObject => isObject(v) && Object.hasOwn(v, PATCH);

/** The one kind of element two lists share; lists of lists get upstream's 422. */
function elementKind(...lists: unknown[][]): string {
  let kind: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = Array.isArray(item) ? "list" : item === null ? "null" : typeof item;
      if (kind === undefined && k === "list") throw listOfLists();
      if (kind !== undefined && k !== kind) throw mixedElements(lists);
      kind = k;
    }
  }
  return kind ?? "";
}

function sameKey(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return jsonEqual(a, b);
  for (const item of [a, b]) {
    if (!isObject(item)) throw badArgType("map", item);
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  }
  return jsonEqual((a as JsonObject)[mergeKey], (b as JsonObject)[mergeKey]);
}

/** The patch list must name its elements in the relative order $setElementOrder gives them. */
function checkOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (!order.length || !patchList.length) return;
  const items = mergeKey ? patchList.filter((item) => own(item as JsonObject, PATCH) !== "delete") : patchList;
  let p = 0;
  for (let s = 0; p < items.length && s < order.length; s++) {
    while (p < items.length && hasDirective(items[p])) p++;
    if (p < items.length && sameKey(items[p], order[s], mergeKey)) p++;
  }
  if (p < items.length) throw orderMismatch(patchList, order);
}

function deleteFromPrimitiveList(original: JsonObject, name: string, values: unknown): void {
  if (!Array.isArray(values)) throw badPrimitiveList();
  const current = own(original, name);
  // Upstream would store the deletion list itself when the list is missing; there is nothing to delete.
  if (Array.isArray(current)) put(original, name, current.filter((v) => !values.some((d) => jsonEqual(d, v))));
}

/** $retainKeys: drop the original's fields that are not listed, after checking the patch sets only listed ones. */
function retainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const keep = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw badRetainKeys();
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM) || key.startsWith(SET_ORDER)) continue;
    if (!keep.includes(key)) throw badRetainKeys();
  }
  for (const key of Object.keys(original)) if (!keep.includes(key)) delete original[key];
}

class Merger {
  private readonly definitions: Definitions;
  constructor(definitions: Definitions) {
    this.definitions = definitions;
  }

  /** Merges `patch` into `original` (both private copies, changed in place) and returns the result. */
  mergeMap(original: JsonObject, patch: JsonObject, schema: SchemaObject | undefined): JsonObject {
    if (Object.hasOwn(patch, PATCH)) return this.mapDirective(patch, schema);
    retainKeys(original, patch);
    this.setElementOrders(original, patch, schema);
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith(DELETE_FROM)) deleteFromPrimitiveList(original, directiveTarget(key, DELETE_FROM, badPrimitiveList), value);
      else if (value === null) delete original[key];
      else put(original, key, this.mergeField(own(original, key), value, fieldMeta(this.definitions, schema, key)));
    }
    return original;
  }

  private mapDirective(patch: JsonObject, schema: SchemaObject | undefined): JsonObject {
    const directive = patch[PATCH];
    if (directive === "delete") return {};
    if (directive !== "replace") throw badPatchType(directive, patch);
    delete patch[PATCH];
    return this.mergeMap({}, patch, schema);
  }

  private mergeField(current: unknown, value: unknown, meta: FieldPatchMeta): unknown {
    if (current === undefined || current === null || shape(current) !== shape(value)) return this.fresh(value, meta);
    if (isObject(value)) return meta.strategy === "replace" ? this.fresh(value, meta) : this.mergeMap(current as JsonObject, value, meta.schema);
    if (Array.isArray(value)) return meta.strategy === "merge" ? this.mergeList(current as unknown[], value, meta) : this.fresh(value, meta);
    return value;
  }

  /** A patch value applied to nothing: directives carried out and nulls dropped. */
  private fresh(value: unknown, meta: FieldPatchMeta): unknown {
    if (isObject(value)) return this.mergeMap({}, value, meta.schema);
    if (!Array.isArray(value)) return value;
    if (meta.strategy === "merge") return this.mergeList([], value, meta);
    const item = itemMeta(this.definitions, meta);
    return value.map((v) => this.fresh(v, item));
  }

  private mergeList(current: unknown[], update: unknown[], meta: FieldPatchMeta): unknown[] {
    if (!current.length && !update.length) return current;
    if (elementKind(current, update) !== "object") {
      const both = [...current, ...update];
      const merged = both.filter((v, i) => both.findIndex((w) => jsonEqual(v, w)) === i);
      return orderMerged(merged, update, current, "");
    }
    const { mergeKey } = meta;
    if (!mergeKey) throw noMergeKeyDeclared();
    const item = itemMeta(this.definitions, meta);
    const { kept, additions } = this.listDirectives(current as JsonObject[], update as JsonObject[], mergeKey, item);
    const merged: unknown[] = [...kept];
    for (const addition of additions) {
      if (!Object.hasOwn(addition, mergeKey)) throw noMergeKey(addition, mergeKey);
      const i = merged.findIndex((m) => isObject(m) && Object.hasOwn(m, mergeKey) && jsonEqual(m[mergeKey], addition[mergeKey]));
      if (i >= 0) merged[i] = this.mergeMap(merged[i] as JsonObject, addition, item.schema);
      else merged.push(this.fresh(addition, item));
    }
    return orderMerged(merged, additions, kept, mergeKey);
  }

  /** Carries out the `$patch` elements of a list of maps: what remains of the original, and the other elements. */
  private listDirectives(current: JsonObject[], update: JsonObject[], mergeKey: string, item: FieldPatchMeta) {
    let kept = current;
    let replace = false;
    const additions: JsonObject[] = [];
    for (const element of update) {
      if (!Object.hasOwn(element, PATCH)) {
        additions.push(element);
        continue;
      }
      const directive = element[PATCH];
      if (directive === "delete") {
        if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
        kept = kept.filter((m) => !(Object.hasOwn(m, mergeKey) && jsonEqual(m[mergeKey], element[mergeKey])));
      } else if (directive === "replace") replace = true;
      else if (directive === "merge") throw mergeDirectiveInList();
      else throw badPatchType(directive, element);
    }
    if (replace) return { kept: additions.map((a) => this.fresh(a, item) as JsonObject), additions: [] };
    return { kept, additions };
  }

  /** $setElementOrder/<list>: merge that list now and put its elements in the order given. */
  private setElementOrders(original: JsonObject, patch: JsonObject, schema: SchemaObject | undefined): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ORDER)) continue;
      const order = patch[key];
      delete patch[key];
      const name = directiveTarget(key, SET_ORDER, badSetElementOrder);
      if (!Array.isArray(order)) throw badSetElementOrder();
      const meta = fieldMeta(this.definitions, schema, name);
      const current = own(original, name) ?? null;
      const update = own(patch, name);
      // A list set to null is deleted by the main loop; there is nothing to order.
      if (update === null) continue;
      if (current !== null && !Array.isArray(current)) throw badArgType("list", current);
      if (update !== undefined && !Array.isArray(update)) throw badArgType("list", update);
      checkOrder(update ?? [], order, meta.mergeKey);
      let merged: unknown[];
      if (update === undefined) {
        if (current === null) continue;
        merged = current;
      } else if (current === null || meta.strategy !== "merge") merged = this.fresh(update, meta) as unknown[];
      else merged = this.mergeList(current, update, meta);
      put(original, name, orderMerged(merged, order, current ?? [], meta.mergeKey));
      delete patch[name];
    }
  }
}
