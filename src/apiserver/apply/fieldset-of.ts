// The set of fields an object sets, as upstream's typed value ToFieldSet computes it: leaves, list items and
// map entries are recorded; a struct's named field is recorded by itself only when it is null or an empty
// object (otherwise its children say it all).
import { FieldSet } from "./fieldset.ts";
import { type ApplySchema, type Resolver, childSchema, isGranularObject, isNamedField, resolverFor } from "./schema.ts";
import type { SchemaObject } from "../../api/openapi/types.ts";
import { isEmptyObject, isObject } from "./values.ts";

export function fieldSetOf(obj: unknown, schema: ApplySchema): FieldSet {
  const r = resolverFor(schema).begin();
  const set = new FieldSet();
  collect(r, obj, r.rootSchema, set, [], undefined);
  return set;
}

/**
 * Like fieldSetOf, but also reports what upstream refuses in an applied configuration (list items without
 * their key, duplicate keys); such lists are recorded whole.
 */
export function fieldSetAndErrors(r: Resolver, obj: unknown): { set: FieldSet; errors: string[] } {
  const set = new FieldSet();
  const errors: string[] = [];
  collect(r, obj, r.rootSchema, set, [], errors);
  return { set, errors };
}

function collect(r: Resolver, value: unknown, s: SchemaObject | undefined, node: FieldSet, path: string[], errors: string[] | undefined): void {
  const shape = r.shape(s);
  if (isObject(value) && isGranularObject(shape)) {
    for (const key in value) {
      const v = value[key];
      if (v === undefined) continue;
      const pe = `f:${key}`;
      const child = new FieldSet();
      path.push(pe);
      collect(r, v, childSchema(shape, key), child, path, errors);
      path.pop();
      if (!isNamedField(shape, key) || v === null || (isObject(v) && isEmptyObject(v))) child.member = true;
      if (!child.isEmpty) node.setChild(pe, child);
    }
    return;
  }
  if (Array.isArray(value) && (shape.kind === "listMap" || shape.kind === "listSet")) {
    const keys = r.keys(shape, value, path);
    if (!Array.isArray(keys)) {
      errors?.push(keys.message);
      node.member = true;
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const child = new FieldSet();
      if (shape.kind === "listMap") {
        path.push(keys[i]);
        collect(r, value[i], shape.elem, child, path, errors);
        path.pop();
      }
      child.member = true;
      node.setChild(keys[i], child);
    }
    return;
  }
  node.member = true;
}
