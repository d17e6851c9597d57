// The key index: every live key with the revision of its live row and its create revision, held in memory (as
// etcd holds its key index), so that a write's checks and a get at the current revision need no lookup in SQLite
// and the database keeps no second index of live keys to rewrite on every commit (on a write-heavy load that
// index's pages were a third of each commit's WAL frames). The log stays the only truth: the index is rebuilt
// from it at open, and the changes a batch makes are recorded so that a transaction that is rolled back takes
// them back too.
import type { DatabaseSync } from "node:sqlite";
import { LIVE_ROWS } from "./schema.ts";

export interface LiveKey {
  /** Revision of the key's live row. */
  revision: number;
  createRevision: number;
}

export class LiveKeys {
  readonly #keys = new Map<string, LiveKey>();
  /** The keys in SQLite's order, made when a range is asked for after keys came or went. */
  #sorted: string[] | undefined;
  /** How to undo each change since the last commit: the key and what it held before. */
  readonly #undo: [string, LiveKey | undefined][] = [];

  /** The live keys of the log. */
  static load(db: DatabaseSync): LiveKeys {
    const live = new LiveKeys();
    const rows = db.prepare(LIVE_ROWS).all() as { key: string; revision: number; create_revision: number }[];
    for (const r of rows) live.#keys.set(r.key, { revision: r.revision, createRevision: r.create_revision });
    return live;
  }

  get(key: string): LiveKey | undefined {
    return this.#keys.get(key);
  }

  set(key: string, value: LiveKey): void {
    const before = this.#keys.get(key);
    this.#undo.push([key, before]);
    this.#keys.set(key, value);
    if (!before) this.#sorted = undefined;
  }

  delete(key: string): void {
    this.#undo.push([key, this.#keys.get(key)]);
    this.#keys.delete(key);
    this.#sorted = undefined;
  }

  /**
   * The live keys from `from` (itself included or not) up to `below` (exclusive; undefined: no bound), as
   * keys[start..end) of the keys in SQLite's order. `keys` is shared: callers must not change it.
   */
  range(from: string, inclusive: boolean, below: string | undefined): { keys: readonly string[]; start: number; end: number } {
    const keys = (this.#sorted ??= sortKeys([...this.#keys.keys()]));
    const start = firstIndex(keys, (k) => (inclusive ? compareKeys(k, from) >= 0 : compareKeys(k, from) > 0));
    const end = below === undefined ? keys.length : firstIndex(keys, (k) => compareKeys(k, below) >= 0);
    return { keys, start, end: Math.max(start, end) };
  }

  /** A point to revert to (see revert). */
  mark(): number {
    return this.#undo.length;
  }

  /** Takes back every change made after `mark` (by default, every change since the last commit). */
  revert(mark = 0): void {
    if (this.#undo.length > mark) this.#sorted = undefined;
    while (this.#undo.length > mark) {
      const [key, before] = this.#undo.pop()!;
      if (before) this.#keys.set(key, before);
      else this.#keys.delete(key);
    }
  }

  /** The changes so far are committed: they can no longer be taken back. */
  committed(): void {
    this.#undo.length = 0;
  }
}

/** Orders strings as SQLite orders TEXT, by UTF-8 bytes, that is by code point (JS compares UTF-16 code units). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Code units whose UTF-16 order is not their code-point order. */
const BEYOND_UTF16_ORDER = /[\uD800-\uFFFF]/;

function sortKeys(keys: string[]): string[] {
  // JS's own comparison is several times faster and agrees whenever no key holds such a unit (Kubernetes keys never do).
  return keys.some((k) => BEYOND_UTF16_ORDER.test(k)) ? keys.sort(compareKeys) : keys.sort();
}

/** Surrogates (halves of code points above U+FFFF) sort below U+E000..U+FFFF in UTF-16 but above them by code point. */
const codePointRank = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/** The first index of sorted `keys` where `atOrAfter` holds (it holds from some index on), or keys.length. */
function firstIndex(keys: readonly string[], atOrAfter: (key: string) => boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atOrAfter(keys[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
