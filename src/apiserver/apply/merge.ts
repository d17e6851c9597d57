// Merges an applied configuration into the live object by the schema: granular maps and structs key by key,
// list-map items by key, set items by value, everything else replaced whole. The result shares unchanged
// subtrees with its inputs (an unchanged subtree is the live one itself, which lets the diff that follows skip
// it); callers that mutate the result must copy it first.
import { type Resolver, childSchema, isGranularObject } from "./schema.ts";
import type { SchemaObject } from "../../api/openapi/types.ts";
import { type JsonObject, isObject } from "./values.ts";
import { jsonEqual } from "../patch/json.ts";

export function merge(r: Resolver, live: unknown, config: unknown): unknown {
  return mergeValue(r, live, config, r.rootSchema, []);
}

function mergeValue(r: Resolver, live: unknown, config: unknown, s: SchemaObject | undefined, path: string[]): unknown {
  if (live === undefined) return config;
  const shape = r.shape(s);
  if (isObject(live) && isObject(config) && isGranularObject(shape)) {
    const out: Record<string, unknown> = { ...live };
    let changed = false;
    for (const key in config) {
      const v = config[key];
      if (v === undefined) continue;
      // An explicit null in an applied configuration clears the field, as it does once upstream decodes
      // the merged object into its Go type.
      if (v === null) {
        if (key in out) {
          delete out[key];
          changed = true;
        }
        continue;
      }
      path.push(`f:${key}`);
      const m = mergeValue(r, live[key], v, childSchema(shape, key), path);
      path.pop();
      if (m !== live[key]) {
        out[key] = m;
        changed = true;
      }
    }
    return changed ? out : live;
  }
  if (Array.isArray(live) && Array.isArray(config) && (shape.kind === "listMap" || shape.kind === "listSet")) {
    // Re-applying an unchanged list is the common case and keying items costs far more than comparing them.
    if (sameWithoutNulls(live, config)) return live;
    const lk = r.keys(shape, live, path);
    const ck = r.keys(shape, config, path);
    if (Array.isArray(lk) && Array.isArray(ck)) {
      const elem = shape.kind === "listMap" ? shape.elem : undefined;
      const out = mergeLists(live, lk, config, ck, (l, c, pe) => {
        if (l === undefined || shape.kind === "listSet") return l ?? c;
        path.push(pe);
        const m = mergeValue(r, l, c, elem, path);
        path.pop();
        return m;
      });
      return out.length === live.length && out.every((v, i) => v === live[i]) ? live : out;
    }
  }
  // Replaced whole; an equal value keeps the live one so that identity still means "unchanged".
  return typeof config === "object" && jsonEqual(live, config) ? live : config;
}

/**
 * Whether merging `config` into `live` would give `live` back: equal values, and no explicit null in the
 * configuration (a null clears the field on merge, so it is a change even where live holds null).
 */
function sameWithoutNulls(live: unknown, config: unknown): boolean {
  return jsonEqual(live, config) && !containsNull(config);
}

function containsNull(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== "object") return false;
  for (const k in v) if (containsNull((v as JsonObject)[k])) return true;
  return false;
}

/**
 * Orders a merged associative list as upstream does: items only in the live list keep their place, items of
 * the configuration follow the configuration's order, and configuration-only items are placed before the
 * next item both lists share.
 */
function mergeLists(
  live: readonly unknown[], lk: readonly string[], config: readonly unknown[], ck: readonly string[],
  mergeItem: (live: unknown, config: unknown, pe: string) => unknown,
): unknown[] {
  const liveByKey = new Map<string, unknown>();
  for (let i = 0; i < live.length; i++) liveByKey.set(lk[i], live[i]);
  const inConfig = new Set(ck);
  const shared = ck.filter((k) => liveByKey.has(k));
  let nextShared = 0;
  const emitted = new Set<string>();
  const out: unknown[] = [];
  let l = 0;
  let c = 0;
  const takeConfig = () => {
    const pe = ck[c];
    out.push(mergeItem(liveByKey.get(pe), config[c], pe));
    emitted.add(pe);
    if (shared[nextShared] === pe) nextShared++;
    c++;
  };
  while (l < live.length || c < config.length) {
    if (l < live.length) {
      const pe = lk[l];
      if (!inConfig.has(pe)) {
        out.push(live[l]);
        l++;
        continue;
      }
      if (emitted.has(pe)) {
        l++;
        continue;
      }
      // A shared item that the configuration orders later: emit it when the configuration reaches it.
      if (c < config.length && ck[c] !== pe && shared[nextShared] !== pe) {
        l++;
        continue;
      }
    }
    if (c < config.length) takeConfig();
    else l++;
  }
  return out;
}
