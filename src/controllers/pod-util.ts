// Helpers the workload controllers share: which pods count, readiness and availability (upstream's podutil), and
// controller references with adoption and release (upstream's ControllerRefManager).
import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { ApiObject } from "../client/resources.ts";
import type { Store } from "../client/store.ts";
import { isInvalid, isNotFound } from "../client/errors.ts";
import type { LabelMatcher } from "../api/selectors/labels.ts";

/** Pods that still count toward a controller's replicas: not finished and not terminating. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata?.deletionTimestamp;
}

const podReadyCondition = (pod: Pod): PodCondition | undefined => pod.status?.conditions?.find((c) => c.type === "Ready");

export const isPodReady = (pod: Pod): boolean => podReadyCondition(pod)?.status === "True";

/** When a ready pod became ready (ms since the epoch); undefined when not ready or unknown. */
export function podReadySince(pod: Pod): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== "True" || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/** Ready for more than minReadySeconds at `now`. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now.getTime();
}

export const controllerRefOf = (obj: ApiObject): OwnerReference | undefined => obj.metadata?.ownerReferences?.find((r) => r.controller);

/** Store index of objects by their controller's uid; objects without one sit under "orphan/<namespace>". */
export const BY_CONTROLLER = "controllerUid";
export const byControllerOrOrphan = (obj: ApiObject): string[] => [controllerRefOf(obj)?.uid ?? `orphan/${obj.metadata?.namespace ?? ""}`];

/**
 * What an owner may claim: the objects it controls and the orphans of its namespace. Everything else has another
 * controller, so claiming never needs to scan the whole namespace.
 */
export function claimCandidates<T extends ApiObject>(store: Store<T>, owner: ApiObject): T[] {
  return [...store.byIndex(BY_CONTROLLER, owner.metadata!.uid!), ...store.byIndex(BY_CONTROLLER, `orphan/${owner.metadata!.namespace ?? ""}`)];
}

export function newControllerRef(owner: ApiObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends ApiObject> {
  /** The would-be controller, as cached. */
  owner: ApiObject;
  /** The reference written on adoption. */
  ownerRef: OwnerReference;
  selector: LabelMatcher;
  /** Reads the owner from the API; adoption only goes ahead while it exists with the same uid and is not being deleted. */
  readOwner(): Promise<ApiObject>;
  /** Applies a strategic merge patch to a dependent, answering it as written. */
  patch(dependent: T, patch: unknown): Promise<T>;
}

/**
 * Sorts candidates into the owner's dependents: keeps those it controls and that match, adopts matching orphans,
 * releases controlled ones that no longer match. Answers the claimed ones (adopted ones as patched); throws the first failed write after
 * trying them all, so the caller retries.
 */
export async function claim<T extends ApiObject>(candidates: T[], opts: ClaimOptions<T>): Promise<T[]> {
  const ownerUid = opts.owner.metadata?.uid;
  const ownerDeleting = !!opts.owner.metadata?.deletionTimestamp;
  let adoptable: Promise<void> | undefined;
  const claimed: T[] = [];
  const errors: unknown[] = [];
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = opts.selector.matches(obj.metadata?.labels);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (matches) claimed.push(obj);
        else if (!ownerDeleting) await release(obj, opts);
        continue;
      }
      if (ownerDeleting || !matches || obj.metadata?.deletionTimestamp || obj.metadata?.namespace !== opts.owner.metadata?.namespace) continue;
      adoptable ??= checkAdoptable(opts);
      await adoptable;
      // The dependent's uid in the patch makes it fail if the object was replaced under the same name.
      // The written version, so later writes of this sync do not conflict with the adoption.
      claimed.push(await opts.patch(obj, { metadata: { ownerReferences: [opts.ownerRef], uid: obj.metadata?.uid } }));
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

async function release<T extends ApiObject>(obj: T, opts: ClaimOptions<T>): Promise<void> {
  try {
    await opts.patch(obj, { metadata: { ownerReferences: [{ $patch: "delete", uid: opts.owner.metadata!.uid }], uid: obj.metadata?.uid } });
  } catch (err) {
    // Invalid: the reference is already gone or the object was replaced; either way nothing is left to release.
    if (!isInvalid(err)) throw err;
  }
}

async function checkAdoptable<T extends ApiObject>(opts: ClaimOptions<T>): Promise<void> {
  const fresh = await opts.readOwner();
  const m = opts.owner.metadata ?? {};
  if (fresh.metadata?.uid !== m.uid) throw new Error(`original ${m.namespace}/${m.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${m.uid}`);
  if (fresh.metadata?.deletionTimestamp) throw new Error(`${m.namespace}/${m.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}

/** A metav1.Time: RFC 3339 at second precision. */
