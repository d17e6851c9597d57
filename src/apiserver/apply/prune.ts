// Removes from a merged object what an applier applied last time but no longer applies, unless some manager
// (the applier's new configuration included) still owns it. A struct's named field counts as owned when
// anything under it is owned, so pruning a sibling never takes the parent away from someone else.
import type { FieldSet } from "./fieldset.ts";
import { type Resolver, childSchema, isGranularObject, isNamedField } from "./schema.ts";
import type { SchemaObject } from "../../api/openapi/types.ts";
import { isObject } from "./values.ts";

/** Mutates `obj` (a private copy) in place. */
export function prune(r: Resolver, obj: unknown, previous: FieldSet, owned: FieldSet): void {
  walk(r, obj, r.rootSchema, previous, owned, []);
}

const holds = (node: FieldSet | undefined, named: boolean): boolean =>
  node !== undefined && (node.member || (named && node.children.size > 0));

function walk(r: Resolver, value: unknown, s: SchemaObject | undefined, previous: FieldSet, owned: FieldSet | undefined, path: string[]): void {
  const shape = r.shape(s);
  if (isObject(value) && isGranularObject(shape)) {
    for (const [pe, prev] of previous.children) {
      if (!pe.startsWith("f:")) continue;
      const key = pe.slice(2);
      if (value[key] === undefined) continue;
      const named = isNamedField(shape, key);
      const own = owned?.children.get(pe);
      if (holds(prev, named) && !holds(own, named)) delete value[key];
      else if (prev.children.size) {
        path.push(pe);
        walk(r, value[key], childSchema(shape, key), prev, own, path);
        path.pop();
      }
    }
    return;
  }
  if (Array.isArray(value) && (shape.kind === "listMap" || shape.kind === "listSet")) {
    const keys = r.keys(shape, value, path);
    if (!Array.isArray(keys)) return;
    const elem = shape.kind === "listMap" ? shape.elem : undefined;
    const kept: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const prev = previous.children.get(keys[i]);
      const own = owned?.children.get(keys[i]);
      if (prev?.member && !own?.member) continue;
      if (prev?.children.size) {
        path.push(keys[i]);
        walk(r, value[i], elem, prev, own, path);
        path.pop();
      }
      kept.push(value[i]);
    }
    if (kept.length !== value.length) {
      value.splice(0, value.length, ...kept);
      r.forget(value);
    }
  }
}
