// Work-queue keys for the garbage collector: an object named by resource, namespace, name and uid, so a key
// never stands for a later object that reuses the name.
import type { ApiResource } from "../../client/discovery.ts";
import { groupResource } from "../../client/discovery.ts";
import type { ApiObject } from "../../client/resources.ts";

export interface ObjectId {
  /** Group resource, e.g. "replicasets.apps". */
  resource: string;
  namespace: string | undefined;
  name: string;
  uid: string;
}

export function idOf(resource: ApiResource, obj: ApiObject): ObjectId {
  const m = obj.metadata ?? {};
  return { resource: groupResource(resource), namespace: m.namespace || undefined, name: m.name ?? "", uid: m.uid ?? "" };
}

export const keyOfId = (id: ObjectId): string => JSON.stringify([id.resource, id.namespace ?? "", id.name, id.uid]);

export function idOfKey(key: string): ObjectId {
  const [resource, namespace, name, uid] = JSON.parse(key) as [string, string, string, string];
  return { resource, namespace: namespace || undefined, name, uid };
}
