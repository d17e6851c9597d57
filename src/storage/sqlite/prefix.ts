// Key ranges for prefix queries. SQLite compares TEXT bytewise (UTF-8), which orders like code points, so the
// smallest string above every key that starts with `prefix` is the prefix with its last code point incremented.

/** Every TEXT value sorts below every BLOB in SQLite, so an empty blob is an upper bound above all keys. */
const ABOVE_ALL_KEYS = new Uint8Array(0);

/** The exclusive upper bound of keys starting with `prefix`, as a value to bind in `key < ?`. */
export function prefixEnd(prefix: string): string | Uint8Array {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Lone surrogates cannot be keys (they do not survive UTF-8), so skip over their range.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return cps.join("") + String.fromCodePoint(next);
    }
  }
  return ABOVE_ALL_KEYS;
}
