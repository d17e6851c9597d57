// Documents are built once per resource list and kept with their serialized bytes: kubectl fetches them on
// most invocations, and the v3 root must name each document's hash anyway.
import { createHash } from "node:crypto";
import type { ResourceType } from "../../api/scheme.ts";

export interface Served {
  body: Buffer;
  /** Quoted, for the ETag header. */
  etag: string;
  /** Upper-case hex SHA-512 of the body, as upstream puts in serverRelativeURL (?hash=). */
  hash: string;
}

export interface Built<T> {
  doc: T;
  served: Served;
}

const json = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc));

export function serve(doc: unknown, encode: (doc: unknown) => Buffer = json): Served {
  const body = encode(doc);
  const hash = createHash("sha512").update(body).digest("hex").toUpperCase();
  return { body, etag: `"${hash}"`, hash };
}

const byResources = new WeakMap<readonly ResourceType[], Map<string, Built<unknown>>>();

/** The document under `key` for this resource list, built and encoded (JSON unless told) on first request. */
export function cached<T>(resources: readonly ResourceType[], key: string, build: () => T, encode?: (doc: T) => Buffer): Built<T> {
  let docs = byResources.get(resources);
  if (!docs) byResources.set(resources, (docs = new Map()));
  let hit = docs.get(key) as Built<T> | undefined;
  if (!hit) {
    const doc = build();
    docs.set(key, (hit = { doc, served: serve(doc, encode as ((doc: unknown) => Buffer) | undefined) }));
  }
  return hit;
}
