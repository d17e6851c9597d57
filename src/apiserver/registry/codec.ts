// How objects sit in storage: JSON without metadata.resourceVersion (the store's modRevision is the
// resourceVersion), under keys /registry/<group or "core">/<plural>/[<namespace>/]<name>.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";

/** Versions served by conversion live under their storage group's keys. */
export function resourcePrefix(rt: { group: string; plural: string; conversion?: { storageGroup: string } }): string {
  return `/registry/${(rt.conversion?.storageGroup ?? rt.group) || "core"}/${rt.plural}/`;
}

export function objectKey(rt: ResourceType, namespace: string | undefined, name: string): string {
  return rt.namespaced ? `${resourcePrefix(rt)}${namespace}/${name}` : `${resourcePrefix(rt)}${name}`;
}

/** The key prefix of a namespaced collection ("…/pods/default/") or the whole resource. */
export function collectionPrefix(rt: ResourceType, namespace: string | undefined): string {
  return rt.namespaced && namespace ? `${resourcePrefix(rt)}${namespace}/` : resourcePrefix(rt);
}

/** "/registry/apps/deployments/ns/name" -> "/registry/apps/deployments/" */
export function resourcePrefixOf(key: string): string {
  let slashes = 0;
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) === 47 && ++slashes === 4) return key.slice(0, i + 1);
  }
  return key;
}

/**
 * JSON without metadata.resourceVersion, with apiVersion, kind and metadata first: the first `"metadata":{`
 * in a stored value is then always the object's own (quotes inside strings are escaped), which lets
 * withVersionJson add the resourceVersion without decoding.
 */
export function encodeForStorage(obj: KubeObject): string {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { resourceVersion: _rv, ...meta } = metadata ?? {};
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
}

/**
 * The stored text of objects the store has just read or written, so a response can send it (with the
 * resourceVersion spliced in) instead of encoding the object again. Only the store's own results are recorded, and
 * nothing changes those before they are rendered; the splice happens only for the ones that are rendered.
 */
const storedText = new WeakMap<KubeObject, { value: string; modRevision: number }>();

/** Records `obj`'s stored value and revision. */
export function withStoredJson(obj: KubeObject, value: string, modRevision: number): KubeObject {
  storedText.set(obj, { value, modRevision });
  return obj;
}

/** `obj`'s JSON from its stored text, if the store recorded it. */
export function storedJsonOf(obj: KubeObject): string | undefined {
  const stored = storedText.get(obj);
  return stored && withVersionJson(stored.value, stored.modRevision);
}

export function decodeStored(value: string, modRevision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: String(modRevision) };
  return obj;
}

const METADATA = '"metadata":{';

/** The stored JSON with metadata.resourceVersion set, by splicing text rather than decoding and encoding. */
export function withVersionJson(value: string, modRevision: number): string {
  const at = value.indexOf(METADATA);
  if (at < 0) return JSON.stringify(decodeStored(value, modRevision));
  const cut = at + METADATA.length;
  const sep = value.charCodeAt(cut) === 125 /* } */ ? "" : ",";
  return `${value.slice(0, cut)}"resourceVersion":"${modRevision}"${sep}${value.slice(cut)}`;
}

/**
 * The text of an encoded object's metadata, cut out of its JSON without decoding it (objects are encoded
 * metadata-first, so the first "metadata" key is the top-level one); undefined if it cannot be found.
 */
export function metadataJson(json: string): string | undefined {
  const at = json.indexOf(METADATA);
  if (at < 0) return undefined;
  const start = at + METADATA.length - 1;
  let depth = 0;
  for (let i = start; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string, honouring escapes, so braces inside values do not count.
      for (i++; i < json.length && json.charCodeAt(i) !== 34; i++) if (json.charCodeAt(i) === 92 /* \ */) i++;
    } else if (c === 123 /* { */) {
      depth++;
    } else if (c === 125 /* } */ && --depth === 0) {
      return json.slice(start, i + 1);
    }
  }
  return undefined;
}
