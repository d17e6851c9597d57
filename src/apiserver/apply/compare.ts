// What changed between two versions of an object, as three field sets (upstream's typed Compare): a node
// present only in the new object is "added" (every node of an added subtree is), one present only in the old
// object is "removed", and a leaf whose value differs is "modified".
//
// Upstream compares Go-typed objects, in which a non-pointer struct field always exists (as `{}`) and a field
// without omitempty exists as null. JSON objects have neither, so a missing named field is treated as
// existing-but-empty when it is a struct, or existing-as-null when the schema lists it as required; such
// nodes are not recorded as added themselves, which keeps "." off `f:spec`, `f:template` and `f:containers`
// in Update entries exactly as a real apiserver writes them. (Pointer structs cannot be told apart from
// value structs in OpenAPI, so e.g. `f:rollingUpdate` lacks the "." upstream gives it.)
import { FieldSet } from "./fieldset.ts";
import { type Resolver, type Shape, childSchema, isGranularObject, isNamedField } from "./schema.ts";
import type { SchemaObject } from "../../api/openapi/types.ts";
import { isEmptyObject, isObject } from "./values.ts";
import { jsonEqual } from "../patch/json.ts";

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** How a node missing from the old object existed in upstream's typed old object. */
type Ghost = "absent" | "emptyStruct" | "null";

/** Compares `before` (undefined on create: an empty object of the kind) with `after`. */
export function compare(r: Resolver, before: unknown, after: unknown): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const path: string[] = [];
  if (before === undefined) added(r, out, after, r.rootSchema, path, "emptyStruct");
  else both(r, out, before, after, r.rootSchema, path);
  return out;
}

function ghostOf(parent: Shape, key: string, child: Shape): Ghost {
  if (!isNamedField(parent, key)) return "absent";
  if (child.kind === "struct") return "emptyStruct";
  return parent.kind === "struct" && parent.required.has(key) ? "null" : "absent";
}

function both(r: Resolver, out: Comparison, a: unknown, b: unknown, s: SchemaObject | undefined, path: string[]): void {
  if (a === b) return;
  const shape = r.shape(s);
  if (isObject(a) && isObject(b) && isGranularObject(shape)) {
    for (const key in a) {
      const av = a[key];
      const bv = b[key];
      if (av === undefined) continue;
      path.push(`f:${key}`);
      if (bv === undefined) removed(r, out, av, childSchema(shape, key), path);
      else both(r, out, av, bv, childSchema(shape, key), path);
      path.pop();
    }
    for (const key in b) {
      const bv = b[key];
      if (bv === undefined || a[key] !== undefined) continue;
      const cs = childSchema(shape, key);
      path.push(`f:${key}`);
      added(r, out, bv, cs, path, ghostOf(shape, key, r.shape(cs)));
      path.pop();
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && (shape.kind === "listMap" || shape.kind === "listSet") && (a.length || b.length)) {
    // Keying items costs far more than comparing them, and most writes leave most lists alone.
    if (jsonEqual(a, b)) return;
    const ka = r.keys(shape, a, path);
    const kb = r.keys(shape, b, path);
    if (Array.isArray(ka) && Array.isArray(kb)) {
      const elem = shape.kind === "listMap" ? shape.elem : undefined;
      const before = new Map<string, unknown>();
      for (let i = 0; i < a.length; i++) before.set(ka[i], a[i]);
      for (let i = 0; i < b.length; i++) {
        path.push(kb[i]);
        if (before.has(kb[i])) {
          both(r, out, before.get(kb[i]), b[i], elem, path);
          before.delete(kb[i]);
        } else {
          added(r, out, b[i], elem, path, "absent");
        }
        path.pop();
      }
      for (const [pe, v] of before) {
        path.push(pe);
        removed(r, out, v, elem, path);
        path.pop();
      }
      return;
    }
  }
  if (jsonEqual(a, b)) return;
  if (isContainer(a) !== isContainer(b) || Array.isArray(a) !== Array.isArray(b)) {
    // The value changed kind (e.g. a map became a string): everything under the old value is gone.
    removed(r, out, a, s, path);
    added(r, out, b, s, path, "absent");
    return;
  }
  out.modified.insert(path);
}

const isContainer = (v: unknown): boolean => v !== null && typeof v === "object";

function added(r: Resolver, out: Comparison, v: unknown, s: SchemaObject | undefined, path: string[], ghost: Ghost): void {
  const shape = r.shape(s);
  if (isObject(v) && isGranularObject(shape) && !isEmptyObject(v)) {
    if (ghost === "absent") out.added.insert(path);
    for (const key in v) {
      const cv = v[key];
      if (cv === undefined) continue;
      const cs = childSchema(shape, key);
      path.push(`f:${key}`);
      added(r, out, cv, cs, path, ghost === "emptyStruct" ? ghostOf(shape, key, r.shape(cs)) : "absent");
      path.pop();
    }
    return;
  }
  if (Array.isArray(v) && v.length && (shape.kind === "listMap" || shape.kind === "listSet")) {
    const keys = r.keys(shape, v, path);
    if (Array.isArray(keys)) {
      if (ghost === "absent") out.added.insert(path);
      const elem = shape.kind === "listMap" ? shape.elem : undefined;
      for (let i = 0; i < v.length; i++) {
        path.push(keys[i]);
        added(r, out, v[i], elem, path, "absent");
        path.pop();
      }
      return;
    }
  }
  // A leaf; an empty struct replacing the zero struct, or null replacing null, is no change.
  if (ghost === "emptyStruct" && isObject(v) && isEmptyObject(v)) return;
  if (ghost === "null" && v === null) return;
  if (ghost === "absent") out.added.insert(path);
  else out.modified.insert(path);
}

function removed(r: Resolver, out: Comparison, v: unknown, s: SchemaObject | undefined, path: string[]): void {
  out.removed.insert(path);
  const shape = r.shape(s);
  if (isObject(v) && isGranularObject(shape)) {
    for (const key in v) {
      if (v[key] === undefined) continue;
      path.push(`f:${key}`);
      removed(r, out, v[key], childSchema(shape, key), path);
      path.pop();
    }
  } else if (Array.isArray(v) && (shape.kind === "listMap" || shape.kind === "listSet")) {
    const keys = r.keys(shape, v, path);
    if (!Array.isArray(keys)) return;
    const elem = shape.kind === "listMap" ? shape.elem : undefined;
    for (let i = 0; i < v.length; i++) {
      path.push(keys[i]);
      removed(r, out, v[i], elem, path);
      path.pop();
    }
  }
}
