// The agent's heartbeat: its Lease in kube-node-lease, created or taken over at registration and renewed by merge
// patch (cheap: no read first).
import type { Lease } from "kubernetes-types/coordination/v1";
import { isAlreadyExists, isNotFound } from "../../client/errors.ts";
import { adoptedLease, leaseSpec, nodeLease, NODE_LEASE_NAMESPACE } from "../../client/node-lease.ts";
import type { LeaseHolder } from "../../client/node-lease.ts";
import type { ResourceClient } from "../../client/rest-client.ts";

export const LEASE_DURATION_SECONDS = 40;

export async function ensureLease(leases: ResourceClient<Lease>, holder: LeaseHolder, now: Date): Promise<void> {
  try {
    await leases.create(nodeLease(holder, now));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await leases.get(NODE_LEASE_NAMESPACE, holder.name);
    await leases.update(adoptedLease(existing, holder, now));
  }
}

/** Renews the Lease; false when it is gone (deleted by a user, or collected with its Node). */
export async function renewLease(leases: ResourceClient<Lease>, holder: LeaseHolder, now: Date): Promise<boolean> {
  try {
    await leases.patch(NODE_LEASE_NAMESPACE, holder.name, { spec: leaseSpec(holder, now) }, "merge");
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
