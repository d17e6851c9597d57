// How objects sit in storage: JSON without metadata.resourceVersion (the store's modRevision is the
// resourceVersion), under keys /registry/<group or "core">/<plural>/[<namespace>/]<name>.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";

export function resourcePrefix(rt: { group: string; plural: string }): string {
  return `/registry/${rt.group || "core"}/${rt.plural}/`;
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

export function encodeForStorage(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata: meta });
}

export function decodeStored(value: string, modRevision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: String(modRevision) };
  return obj;
}
