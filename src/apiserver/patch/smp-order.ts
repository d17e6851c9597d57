// Element order of a merged list, as upstream's strategic merge patch fixes it: elements named by the patch
// (or by its $setElementOrder list) keep the patch's order, elements only the server has keep theirs, and the
// two runs are interleaved using the server's order where both sides know an element. An element new to the
// server therefore lands before the server-only ones that follow it (a patch adding a container without
// $setElementOrder puts it first, as kubectl's documentation shows).
import { badArgType, noMergeKey } from "./smp-errors.ts";
import { isObject } from "./json.ts";

/** What identifies an element: its merge key's value for lists of maps, the element itself otherwise. */
type Identity = (item: unknown) => unknown;

const identity = (mergeKey: string): Identity =>
  mergeKey ? (item) => (item as Record<string, unknown>)[mergeKey] : (item) => item;

const keyOf = (v: unknown) => (typeof v === "object" && v !== null ? `json:${JSON.stringify(v)}` : v);

/** Where each element sits in `list` (its first occurrence), looked up by identity in constant time. */
function positions(list: unknown[], id: Identity): (item: unknown) => number {
  const at = new Map<unknown, number>();
  list.forEach((x, i) => {
    const k = keyOf(id(x));
    if (!at.has(k)) at.set(k, i);
  });
  return (item) => at.get(keyOf(id(item))) ?? -1;
}

/** Fails unless every element of every list is a map holding `mergeKey`. */
export function requireMergeKeys(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw badArgType("map", item);
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

/** `merged` reordered: by `patchOrder` for the elements it names, by `serverOrder` for the rest. */
export function orderMerged(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  if (mergeKey) requireMergeKeys(mergeKey, merged, patchOrder, serverOrder);
  const id = identity(mergeKey);
  const inPatch = positions(patchOrder, id);
  const inServer = positions(serverOrder, id);
  const fromPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) (inPatch(item) >= 0 ? fromPatch : serverOnly).push(item);
  const byOrder = (index: (item: unknown) => number) => (a: unknown, b: unknown) => {
    const i = index(a);
    const j = index(b);
    return i >= 0 && j >= 0 ? i - j : 0;
  };
  fromPatch.sort(byOrder(inPatch));
  serverOnly.sort(byOrder(inServer));
  // Take a server-only element first only when the server's order puts it before the patch element at hand.
  const out: unknown[] = [];
  let s = 0;
  let p = 0;
  while (s < serverOnly.length || p < fromPatch.length) {
    if (p >= fromPatch.length) out.push(serverOnly[s++]);
    else if (s >= serverOnly.length) out.push(fromPatch[p++]);
    else {
      const si = inServer(serverOnly[s]);
      const pi = inServer(fromPatch[p]);
      out.push(si >= 0 && pi >= 0 && si < pi ? serverOnly[s++] : fromPatch[p++]);
    }
  }
  return out;
}
