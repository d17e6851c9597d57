// What the garbage collector reads from an object's metadata: its owner references and the two finalizers through
// which a delete asks for foreground deletion or orphaning of the object's dependents.
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { ApiObject } from "../../client/resources.ts";

export const FOREGROUND = "foregroundDeletion";
export const ORPHAN = "orphan";

export const ownerRefsOf = (obj: ApiObject): OwnerReference[] => obj.metadata?.ownerReferences ?? [];

export const hasFinalizer = (obj: ApiObject, finalizer: string): boolean => obj.metadata?.finalizers?.includes(finalizer) ?? false;

/** Deleted in the foreground: the object stays until its blocking dependents are gone. */
export const isDeletingDependents = (obj: ApiObject): boolean => !!obj.metadata?.deletionTimestamp && hasFinalizer(obj, FOREGROUND);

/** Deleted with propagationPolicy Orphan: its dependents must first lose their references to it. */
export const isOrphaning = (obj: ApiObject): boolean => !!obj.metadata?.deletionTimestamp && hasFinalizer(obj, ORPHAN);

export const sameOwnerRefs = (a: ApiObject, b: ApiObject): boolean => JSON.stringify(ownerRefsOf(a)) === JSON.stringify(ownerRefsOf(b));

export const blocksOwner = (dependent: ApiObject, ownerUid: string): boolean =>
  ownerRefsOf(dependent).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true);
