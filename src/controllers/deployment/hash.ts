// A pod template's identity: the pod-template-hash that names a Deployment's ReplicaSets, and equality of
// templates regardless of that label.
import type { PodTemplateSpec } from "kubernetes-types/core/v1";

export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

/** The letters of upstream's SafeEncodeString: no vowels, no 0/1/3, so hashes never spell words. */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/**
 * FNV-1a (32-bit) of the template's canonical JSON, then of the collision count, written out in ALPHANUMS as
 * upstream's ComputeHash does with its own serialization: at most 10 characters, a valid label value.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv1a(0x811c9dc5, new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount, true);
    h = fnv1a(h, bytes);
  }
  return [...String(h)].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join("");
}

function fnv1a(seed: number, bytes: Uint8Array): number {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** Templates equal apart from the pod-template-hash label; absent, null and empty values compare equal. */
export function equalIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...labels } = t?.metadata?.labels ?? {};
  return { ...t, metadata: { ...t?.metadata, labels } };
}

/** JSON with sorted keys and without null or empty members, so equal templates serialize alike. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(normalize(v)) ?? "null";
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map((x) => normalize(x) ?? null) : undefined;
  if (v === null || typeof v !== "object") return v ?? undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const n = normalize((v as Record<string, unknown>)[k]);
    if (n !== undefined) out[k] = n;
  }
  return Object.keys(out).length ? out : undefined;
}
