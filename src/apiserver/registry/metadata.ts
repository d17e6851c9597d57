// Generic metadata rules every kind follows on create and update (upstream's BeforeCreate/BeforeUpdate):
// uid, creationTimestamp, generation, generateName, and the fields clients may not set or change.
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { KubeObject, ResourceType } from "../../api/scheme.ts";

const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const GENERATED_SUFFIX = 5;

/** upstream's SimpleNameGenerator: generateName + 5 characters that cannot spell words. */
export function generateNameFrom(base: string): string {
  const trimmed = base.length > 63 - GENERATED_SUFFIX ? base.slice(0, 63 - GENERATED_SUFFIX) : base;
  let s = "";
  for (let i = 0; i < GENERATED_SUFFIX; i++) s += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return trimmed + s;
}

let lastSecond = -1;
let lastText = "";
/** RFC 3339 at second precision, as upstream's metav1.Time; formatted once per second on the hot path. */
export function rfc3339(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = d.toISOString().slice(0, 19) + "Z";
  }
  return lastText;
}

export function prepareMetadataForCreate(obj: KubeObject, rt: ResourceType, now: Date): void {
  const meta = (obj.metadata ??= {});
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete (meta as Record<string, unknown>).selfLink;
  if (rt.generation) meta.generation = 1;
  else delete meta.generation;
}

/** Carries over what an update may not change, and bumps generation when the spec part changed. */
export function prepareMetadataForUpdate(next: KubeObject, cur: KubeObject, rt: ResourceType): void {
  const meta = (next.metadata ??= {});
  const old = cur.metadata ?? {};
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  delete (meta as Record<string, unknown>).selfLink;
  if (rt.generation) {
    const gen = old.generation ?? 1;
    meta.generation = specChanged(next, cur) ? gen + 1 : gen;
  } else {
    delete meta.generation;
  }
}

/** Anything outside metadata and status changed. */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest }: KubeObject) => rest;
  return !isDeepStrictEqual(strip(a), strip(b));
}
