// A set of field paths, stored as a trie keyed by encoded path elements exactly as they appear in FieldsV1:
// "f:<field>", "k:<json of key fields>", "v:<json value>", "i:<index>". Keys are kept canonical (key fields
// sorted by name, compact JSON) so that two spellings of one element are one key.
//
// Sets are built with insert() and then treated as immutable: the set operations return new sets that share
// unchanged subtrees with their inputs. A set decoded from canonical FieldsV1 reads that JSON lazily, so the
// JSON must not be changed while the set is in use.

/** Shared by every leaf: most nodes are leaves, and a Map per node was the bulk of building a set. */
const NO_CHILDREN: ReadonlyMap<string, FieldSet> = new Map();

export class FieldSet {
  /** Whether the path that leads to this node is itself in the set ("." in FieldsV1). */
  member = false;
  #children: Map<string, FieldSet> | undefined;
  /**
   * Canonical FieldsV1 of the children, not decoded yet. A write touches few paths of each manager's set, so
   * nodes are decoded on first use and untouched subtrees are re-encoded by copying their FieldsV1.
   */
  #undecoded: FieldsV1 | undefined;

  get children(): ReadonlyMap<string, FieldSet> {
    if (this.#undecoded) this.#decodeChildren(this.#undecoded);
    return this.#children ?? NO_CHILDREN;
  }

  /** The FieldsV1 of a subtree nobody has looked into yet. */
  get undecoded(): FieldsV1 | undefined {
    return this.#undecoded;
  }

  /** Whether this node's children are exactly the elements of canonical FieldsV1 `json`. */
  #childrenMatch(json: FieldsV1): boolean {
    let count = 0;
    for (const pe in json) {
      if (pe === ".") continue;
      count++;
      const c = this.children.get(pe);
      const sub = json[pe];
      if (!c || c.member !== ("." in sub || !hasChildren(sub))) return false;
      if (c.#undecoded ? c.#undecoded !== sub && !c.equals(FieldSet.fromCanonical(sub)) : !c.#childrenMatch(sub)) return false;
    }
    return count === this.children.size;
  }

  /** A set standing for canonical (see isCanonical), already validated FieldsV1. */
  static fromCanonical(json: FieldsV1): FieldSet {
    const set = new FieldSet();
    set.member = "." in json;
    set.#undecoded = json;
    return set;
  }

  #decodeChildren(json: FieldsV1): void {
    this.#undecoded = undefined;
    for (const pe in json) {
      if (pe === ".") continue;
      const sub = json[pe];
      const child = new FieldSet();
      // An element mapped to {} is itself in the set; canonical FieldsV1 has "." first wherever it appears.
      if (hasChildren(sub)) {
        child.member = "." in sub;
        child.#undecoded = sub;
      } else {
        child.member = true;
      }
      this.setChild(pe, child);
    }
  }

  /** Adds or replaces the subtree under `pe` (only while building a set). */
  setChild(pe: string, child: FieldSet): void {
    (this.#children ??= new Map()).set(pe, child);
  }

  /** True when no path at all is in the set (operations never leave empty child nodes behind). */
  get isEmpty(): boolean {
    return !this.member && this.children.size === 0;
  }

  insert(path: readonly string[], from = 0): void {
    if (from === path.length) {
      this.member = true;
      return;
    }
    let child = this.children.get(path[from]);
    if (!child) {
      child = new FieldSet();
      this.setChild(path[from], child);
    }
    child.insert(path, from + 1);
  }

  has(path: readonly string[]): boolean {
    let node: FieldSet | undefined = this.children.get(path[0]);
    for (let i = 1; node && i < path.length; i++) node = node.children.get(path[i]);
    return path.length === 0 ? this.member : node?.member === true;
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    const out = new FieldSet();
    out.member = this.member || other.member;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      out.setChild(pe, o ? c.union(o) : c);
    }
    for (const [pe, o] of other.children) if (!this.children.has(pe)) out.setChild(pe, o);
    return out;
  }

  /** Paths of this set that are not paths of `other` (exact paths: a parent in `other` keeps its children here). */
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty) return this;
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      const d = o ? c.difference(o) : c;
      if (!d.isEmpty) out.setChild(pe, d);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    // Walk the smaller side: a write's few changed fields against a manager's many.
    const [small, big] = this.children.size <= other.children.size ? [this, other] : [other, this];
    for (const [pe, c] of small.children) {
      const o = big.children.get(pe);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.isEmpty) out.setChild(pe, i);
    }
    return out;
  }

  /** Removes every path of `other` together with everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.isEmpty) return this;
    const out = new FieldSet();
    out.member = this.member;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (o?.member) continue;
      const d = o ? c.recursiveDifference(o) : c;
      if (!d.isEmpty) out.setChild(pe, d);
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.member !== other.member) return false;
    // An applier's new set is usually its previous one: compare against the FieldsV1 rather than decode it.
    if (other.#undecoded && !this.#undecoded) return this.#childrenMatch(other.#undecoded);
    if (this.#undecoded && !other.#undecoded) return other.#childrenMatch(this.#undecoded);
    if (this.children.size !== other.children.size) return false;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o || !c.equals(o)) return false;
    }
    return true;
  }

  /** Every path in the set, in upstream's iteration order: a node's leaf members first, then its subtrees. */
  paths(): string[][] {
    const out: string[][] = [];
    const walk = (node: FieldSet, prefix: string[]) => {
      const keys = sortedElements(node.children.keys());
      for (const pe of keys) if (node.children.get(pe)!.member) out.push([...prefix, pe]);
      for (const pe of keys) {
        const c = node.children.get(pe)!;
        if (c.children.size) walk(c, [...prefix, pe]);
      }
    };
    walk(this, []);
    return out;
  }

  /** Whether every path of this set is also a path of `other`. */
  isSubsetOf(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.member && !other.member) return false;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o || !c.isSubsetOf(o)) return false;
    }
    return true;
  }

  static of(...paths: (readonly string[])[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }
}

// ---- path elements ----

/** A memo for pure functions of element strings; cleared when large so it cannot grow without bound. */
function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= 20_000) cache.clear();
      v = fn(key);
      cache.set(key, v);
    }
    return v;
  };
}

export const fieldElement = (name: string): string => `f:${name}`;

/** "k:" element for a list-map item; `fields` are the key fields and their values. */
export function keyElement(fields: [string, unknown][]): string {
  const sorted = fields.length > 1 ? [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) : fields;
  return `k:{${sorted.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(",")}}`;
}

export const valueElement = (v: unknown): string => `v:${JSON.stringify(v)}`;

/** Re-spells an element read from a client in canonical form; throws on anything that is not an element. */
export const canonicalElement = memo(canonicalize);

function canonicalize(pe: string): string {
  const body = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case "f:":
      return pe;
    case "k:": {
      const v = JSON.parse(body);
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`invalid key element ${pe}`);
      return keyElement(Object.entries(v));
    }
    case "v:":
      return valueElement(JSON.parse(body));
    case "i:": {
      if (!/^(0|[1-9][0-9]*)$/.test(body)) throw new Error(`invalid index element ${pe}`);
      return pe;
    }
    default:
      throw new Error(`unknown path element ${JSON.stringify(pe)}`);
  }
}

const RANK: Record<string, number> = { "f:": 0, "k:": 1, "v:": 2, "i:": 3 };

/** upstream's value ordering: numbers, strings, booleans, lists, maps, null. */
function valueRank(v: unknown): number {
  if (typeof v === "number") return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "boolean") return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === "object") return 4;
  return 5;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return (a as number) - (b as number);
    case 1: return compareStrings(a as string, b as string);
    case 2: return Number(a) - Number(b);
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < la.length && i < lb.length; i++) {
        const c = compareValues(la[i], lb[i]);
        if (c) return c;
      }
      return la.length - lb.length;
    }
    case 4: {
      const ea = Object.entries(a as object).sort((x, y) => compareStrings(x[0], y[0]));
      const eb = Object.entries(b as object).sort((x, y) => compareStrings(x[0], y[0]));
      for (let i = 0; i < ea.length && i < eb.length; i++) {
        const c = compareStrings(ea[i][0], eb[i][0]) || compareValues(ea[i][1], eb[i][1]);
        if (c) return c;
      }
      return ea.length - eb.length;
    }
    default: return 0;
  }
}

const parsedKey = memo((pe) => Object.entries(JSON.parse(pe.slice(2)) as object));
const parsedValue = memo((pe): unknown => JSON.parse(pe.slice(2)));

/** upstream's path element ordering: fields, then keys, then values, then indexes. */
export function compareElements(a: string, b: string): number {
  const ra = RANK[a.slice(0, 2)] ?? 4;
  const rb = RANK[b.slice(0, 2)] ?? 4;
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return compareStrings(a, b);
    case 1: {
      const ka = parsedKey(a);
      const kb = parsedKey(b);
      for (let i = 0; i < ka.length && i < kb.length; i++) {
        const c = compareStrings(ka[i][0], kb[i][0]) || compareValues(ka[i][1], kb[i][1]);
        if (c) return c;
      }
      return ka.length - kb.length;
    }
    case 2: return compareValues(parsedValue(a), parsedValue(b));
    case 3: return Number(a.slice(2)) - Number(b.slice(2));
    default: return compareStrings(a, b);
  }
}

function sortedElements(keys: Iterable<string>): string[] {
  const list = Array.from(keys);
  // Sets decoded from FieldsV1 keep its (canonical) order, so most nodes need no sorting at all.
  if (inOrder(list)) return list;
  // Field names alone sort as plain strings; only key and value elements need upstream's ordering.
  return list.every((pe) => pe.startsWith("f:")) ? list.sort() : list.sort(compareElements);
}

function inOrder(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (!ordered(list[i - 1], list[i])) return false;
  return true;
}

/** Whether `a` may precede `b` in FieldsV1 (field names compare as plain strings, the common case). */
const ordered = (a: string, b: string): boolean =>
  a.startsWith("f:") && b.startsWith("f:") ? a <= b : compareElements(a, b) <= 0;

// ---- printing paths the way conflicts name them: .spec.containers[name="nginx"].image ----

function printValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null) return "null";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function formatPath(path: readonly string[]): string {
  return path.map((pe) => {
    const body = pe.slice(2);
    switch (pe.slice(0, 2)) {
      case "f:": return `.${body}`;
      case "k:": return `[${Object.entries(JSON.parse(body) as object).map(([n, v]) => `${n}=${printValue(v)}`).join(",")}]`;
      case "v:": return `[=${printValue(JSON.parse(body))}]`;
      default: return `[${body}]`;
    }
  }).join("");
}

// ---- FieldsV1 ----

export type FieldsV1 = { [element: string]: FieldsV1 };

function encodeNode(node: FieldSet): FieldsV1 {
  const undecoded = node.undecoded;
  if (undecoded) return cloneFields(undecoded);
  const out: FieldsV1 = {};
  if (node.children.size === 0) return out;
  if (node.member) out["."] = {};
  for (const pe of sortedElements(node.children.keys())) out[pe] = encodeNode(node.children.get(pe)!);
  return out;
}

/** The FieldsV1 JSON object for a set: `{"f:spec":{"f:replicas":{}}}`. */
export const toFieldsV1 = (set: FieldSet): FieldsV1 => encodeNode(set);

function decodeInto(node: FieldSet, json: unknown): void {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error("fields must be a JSON object");
  for (const k in json) {
    if (k === ".") {
      node.member = true;
      continue;
    }
    const child = new FieldSet();
    decodeInto(child, (json as Record<string, unknown>)[k]);
    // An element mapped to {} is itself in the set.
    if (child.children.size === 0) child.member = true;
    if (k.startsWith("f:")) {
      node.setChild(k, child);
      continue;
    }
    // Two spellings of one key or value element are one element.
    const pe = canonicalElement(k);
    const prior = node.children.get(pe);
    node.setChild(pe, prior ? prior.union(child) : child);
  }
}

/** Parses FieldsV1 JSON; throws an Error naming what is malformed. */
export function fromFieldsV1(json: unknown): FieldSet {
  // What this server wrote is canonical and is decoded lazily; anything else is decoded (and so
  // re-spelled) up front.
  if (isCanonical(json)) return FieldSet.fromCanonical(json);
  const set = new FieldSet();
  decodeInto(set, json);
  return set;
}

const hasChildren = (json: FieldsV1): boolean => {
  for (const k in json) if (k !== ".") return true;
  return false;
};

const isFields = (json: unknown): json is FieldsV1 => json !== null && typeof json === "object" && !Array.isArray(json);

/**
 * Whether `json` is exactly what toFieldsV1 would write for it: elements spelled canonically and in order, "."
 * first as `{}` and only beside other elements. Throws what decodeInto throws for malformed input, in the same
 * order, so the two paths fail alike.
 */
function isCanonical(json: unknown): json is FieldsV1 {
  if (!isFields(json)) throw new Error("fields must be a JSON object");
  let canonical = true;
  let prev: string | undefined;
  let first = true;
  for (const k in json) {
    const sub = json[k];
    if (k === ".") {
      if (!first || !isFields(sub) || hasChildren(sub) || "." in sub) canonical = false;
      first = false;
      continue;
    }
    first = false;
    if (!isCanonical(sub)) canonical = false;
    if (!k.startsWith("f:") && canonicalElement(k) !== k) canonical = false;
    if (prev !== undefined && !ordered(prev, k)) canonical = false;
    prev = k;
  }
  // A lone "." is written as {}.
  if ("." in json && prev === undefined) canonical = false;
  return canonical;
}

function cloneFields(json: FieldsV1): FieldsV1 {
  const out: FieldsV1 = {};
  for (const k in json) out[k] = cloneFields(json[k]);
  return out;
}
