// JSON Pointer resolution with the rules of the json-patch library kube-apiserver uses (evanphx/json-patch):
// array indexes may be negative (counted from the end) and "-" appends; anything that does not resolve is
// reported as undefined so the caller can answer with upstream's single 422.
import { isObject } from "./json.ts";

export interface Target {
  /** The object or array that holds (or will hold) the referenced value. */
  parent: Record<string, unknown> | unknown[];
  /** The unescaped key; for arrays a non-negative index as a string. */
  key: string;
  /** The pointer rewritten with that normalized last index, for libraries that only take plain indexes. */
  pointer: string;
}

const escape = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
const unescape = (s: string) => s.replaceAll("~1", "/").replaceAll("~0", "~");

/** An array index as strconv.Atoi reads it, made non-negative against `size`; undefined when out of range. */
function arrayIndex(token: string, size: number): number | undefined {
  if (!/^[+-]?\d+$/.test(token)) return undefined;
  let i = Number(token);
  if (i < 0) i += size;
  return i >= 0 && i < size ? i : undefined;
}

/**
 * Where `pointer` points in `doc`. With `forAdd`, the last token may name a new object key, the array end ("-")
 * or the slot just past the last element; otherwise the value must exist.
 */
export function locate(doc: unknown, pointer: string, forAdd: boolean): Target | undefined {
  if (!pointer.startsWith("/")) return undefined;
  const tokens = pointer.slice(1).split("/").map(unescape);
  let node = doc;
  const path: string[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const last = t === tokens.length - 1;
    const token = tokens[t];
    if (Array.isArray(node)) {
      const size = node.length + (last && forAdd ? 1 : 0);
      const i = last && forAdd && token === "-" ? node.length : arrayIndex(token, size);
      if (i === undefined) return undefined;
      if (last) return { parent: node, key: String(i), pointer: `/${[...path, String(i)].join("/")}` };
      path.push(String(i));
      node = node[i];
    } else if (isObject(node)) {
      if (last) {
        if (!forAdd && !Object.hasOwn(node, token)) return undefined;
        return { parent: node, key: token, pointer: `/${[...path, escape(token)].join("/")}` };
      }
      if (!Object.hasOwn(node, token)) return undefined;
      path.push(escape(token));
      node = node[token];
    } else return undefined;
  }
  return undefined;
}
