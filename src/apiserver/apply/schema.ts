// How a schema node merges, in structured-merge-diff terms. Built-in types follow upstream's conversion of
// OpenAPI: x-kubernetes-list-type wins; otherwise a list with a patch merge key is a map keyed by it, a list
// whose patch strategy merges without a key is a set, any other list is atomic; maps are granular unless
// x-kubernetes-map-type says atomic; structs are granular. Without a schema the shape is deduced from the value
// (objects granular, lists atomic).
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";
import { formatPath, valueElement } from "./fieldset.ts";
import { type JsonObject, isObject } from "./values.ts";

export interface ApplySchema {
  definitions: Definitions;
  /** Definition name of the object's kind, e.g. "io.k8s.api.apps.v1.Deployment". */
  root: string;
}

export type Shape =
  | { kind: "leaf" }
  | { kind: "deduced" }
  | { kind: "struct"; fields: Record<string, SchemaObject>; required: ReadonlySet<string>; rest: SchemaObject | undefined }
  | { kind: "map"; elem: SchemaObject | undefined }
  | {
    kind: "listMap"; elem: SchemaObject | undefined; keys: readonly string[]; defaults: Readonly<Record<string, unknown>>;
    /** `"name":` for each key, ready to build "k:" elements. */
    prefixes: readonly string[];
    /** "k:" elements of single-key items by key value (most lists key on one name). */
    elements: Map<unknown, string>;
  }
  | { kind: "listSet"; elements: Map<unknown, string> };

export type ListShape = Extract<Shape, { kind: "listMap" | "listSet" }>;

const LEAF: Shape = { kind: "leaf" };
const DEDUCED: Shape = { kind: "deduced" };
const NO_REQUIRED: ReadonlySet<string> = new Set();

export class Resolver {
  readonly rootSchema: SchemaObject | undefined;
  private readonly definitions: Definitions;
  private readonly cache = new WeakMap<SchemaObject, Shape>();
  private keyCache = new WeakMap<readonly unknown[], string[] | ListError>();

  constructor(schema: ApplySchema) {
    this.definitions = schema.definitions;
    this.rootSchema = schema.definitions[schema.root];
  }

  private deref(s: SchemaObject): SchemaObject | undefined {
    let cur: SchemaObject | undefined = s;
    for (let hops = 0; cur?.$ref && hops < 32; hops++) cur = this.definitions[cur.$ref.replace(/^#\/definitions\//, "")];
    return cur;
  }

  /**
   * Starts one top-level operation. List keys are memoized per array within an operation (merge, diff and
   * field-set walks meet the same arrays); between operations callers may have edited their objects.
   */
  begin(): this {
    this.keyCache = new WeakMap();
    return this;
  }

  /** elementKeys, memoized per array for the current operation. */
  keys(shape: ListShape, items: readonly unknown[], listPath: readonly string[]): string[] | ListError {
    let keys = this.keyCache.get(items);
    if (!keys) {
      keys = elementKeys(shape, items, listPath);
      this.keyCache.set(items, keys);
    }
    return keys;
  }

  /** Drops the memo of an array that was edited in place. */
  forget(items: readonly unknown[]): void {
    this.keyCache.delete(items);
  }

  shape(s: SchemaObject | undefined): Shape {
    if (!s) return DEDUCED;
    let shape = this.cache.get(s);
    if (!shape) {
      shape = this.build(s);
      this.cache.set(s, shape);
    }
    return shape;
  }

  private build(ref: SchemaObject): Shape {
    const s = this.deref(ref);
    if (!s) return DEDUCED;
    if (s["x-kubernetes-int-or-string"]) return LEAF;
    if (s.type === "array" || s.items) return this.list(s);
    const mapType = ref["x-kubernetes-map-type"] ?? s["x-kubernetes-map-type"];
    if (s.properties) {
      if (mapType === "atomic") return LEAF;
      const rest = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
      return { kind: "struct", fields: s.properties, required: s.required ? new Set(s.required) : NO_REQUIRED, rest };
    }
    if (s.additionalProperties) {
      if (mapType === "atomic") return LEAF;
      return { kind: "map", elem: typeof s.additionalProperties === "object" ? s.additionalProperties : undefined };
    }
    if (s.type && s.type !== "object") return LEAF;
    return mapType === "atomic" ? LEAF : DEDUCED;
  }

  private list(s: SchemaObject): Shape {
    const listType = s["x-kubernetes-list-type"];
    const mergeKey = s["x-kubernetes-patch-merge-key"];
    if (listType === "atomic") return LEAF;
    if (listType === "set") return { kind: "listSet", elements: new Map() };
    const keys = listType === "map" ? s["x-kubernetes-list-map-keys"] ?? (mergeKey ? [mergeKey] : undefined) : mergeKey ? [mergeKey] : undefined;
    if (keys?.length) {
      const sorted = [...keys].sort();
      return {
        kind: "listMap", elem: s.items, keys: sorted, defaults: this.keyDefaults(s.items, keys),
        prefixes: sorted.map((k) => `${JSON.stringify(k)}:`), elements: new Map(),
      };
    }
    if (!listType && s["x-kubernetes-patch-strategy"]?.split(",").includes("merge")) return { kind: "listSet", elements: new Map() };
    return LEAF;
  }

  /** Schema defaults of key fields, used when an item omits one (e.g. a port's protocol). */
  private keyDefaults(items: SchemaObject | undefined, keys: readonly string[]): Record<string, unknown> {
    const elem = items ? this.deref(items) : undefined;
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const field = elem?.properties?.[k] as (SchemaObject & { default?: unknown }) | undefined;
      if (field?.default !== undefined) out[k] = field.default;
    }
    return out;
  }
}

const resolvers = new WeakMap<Definitions, Map<string, Resolver>>();

/** One resolver (and shape cache) per definitions object and root. */
export function resolverFor(schema: ApplySchema): Resolver {
  let byRoot = resolvers.get(schema.definitions);
  if (!byRoot) resolvers.set(schema.definitions, (byRoot = new Map()));
  let r = byRoot.get(schema.root);
  if (!r) byRoot.set(schema.root, (r = new Resolver(schema)));
  return r;
}

/** Whether values of this shape merge key by key when the value is a JSON object. */
export const isGranularObject = (shape: Shape): shape is Extract<Shape, { kind: "struct" | "map" | "deduced" }> =>
  shape.kind === "struct" || shape.kind === "map" || shape.kind === "deduced";

export function childSchema(shape: Shape, key: string): SchemaObject | undefined {
  if (shape.kind === "struct") return Object.hasOwn(shape.fields, key) ? shape.fields[key] : shape.rest;
  if (shape.kind === "map") return shape.elem;
  return undefined;
}

/** A named field of a struct, as opposed to a map entry (decides whether a node is recorded by itself). */
export const isNamedField = (shape: Shape, key: string): boolean => shape.kind === "struct" && Object.hasOwn(shape.fields, key);

/** Why a list cannot be treated as associative, worded as upstream's typed-object errors. */
export interface ListError {
  message: string;
}

/**
 * The path element of every item of an associative list, or an error when an item has no usable key or two
 * items share one. Callers fall back to treating such a list as atomic.
 */
export function elementKeys(shape: ListShape, items: readonly unknown[], listPath: readonly string[]): string[] | ListError {
  const out: string[] = new Array(items.length);
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let pe: string;
    if (shape.kind === "listMap") {
      if (!isObject(item)) return { message: `${formatPath(listPath)}: element ${i}: expected map, got ${item === null ? "null" : typeof item}` };
      const pe1 = shape.keys.length === 1 ? singleKeyElement(shape, item) : multiKeyElement(shape, item);
      if (pe1 === undefined) {
        const k = shape.keys.find((k) => (item[k] ?? shape.defaults[k]) == null);
        return { message: `${formatPath(listPath)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)` };
      }
      pe = pe1;
    } else {
      if (item === null) return { message: `${formatPath(listPath)}: element ${i}: associative list without keys has an element that's an explicit null` };
      if (Array.isArray(item)) return { message: `${formatPath(listPath)}: element ${i}: not supported: associative list with lists as elements` };
      if (typeof item === "object") return { message: `${formatPath(listPath)}: element ${i}: associative list without keys has an element that's a map type` };
      pe = setElement(shape, item);
    }
    if (seen.has(pe)) return { message: `${formatPath(listPath)}: duplicate entries for key ${formatPath([pe])}` };
    seen.add(pe);
    out[i] = pe;
  }
  return out;
}

/** Element strings are memoized per list shape: keying runs for every item of every list on every write. */
function remember(cache: Map<unknown, string>, v: unknown, pe: string): string {
  if (cache.size >= 10_000) cache.clear();
  cache.set(v, pe);
  return pe;
}

const setElement = (shape: ListShape, v: unknown): string => shape.elements.get(v) ?? remember(shape.elements, v, valueElement(v));

type ListMapShape = Extract<Shape, { kind: "listMap" }>;

/** "k:" element of an item keyed by one field; undefined when the key is missing. */
function singleKeyElement(shape: ListMapShape, item: JsonObject): string | undefined {
  const v = item[shape.keys[0]] ?? shape.defaults[shape.keys[0]];
  if (v === undefined || v === null) return undefined;
  // Only scalars are memoized (an object would be remembered by identity).
  if (typeof v === "object") return `k:{${shape.prefixes[0]}${JSON.stringify(v)}}`;
  return shape.elements.get(v) ?? remember(shape.elements, v, `k:{${shape.prefixes[0]}${JSON.stringify(v)}}`);
}

/** "k:" element built directly (keys are pre-sorted) rather than through keyElement. */
function multiKeyElement(shape: ListMapShape, item: JsonObject): string | undefined {
  let pe = "k:{";
  for (let j = 0; j < shape.keys.length; j++) {
    const k = shape.keys[j];
    const v = item[k] ?? shape.defaults[k];
    if (v === undefined || v === null) return undefined;
    pe += (j ? "," : "") + shape.prefixes[j] + JSON.stringify(v);
  }
  return pe + "}";
}
