// A node's heartbeat Lease (coordination.k8s.io/v1 in kube-node-lease), as the kubelet keeps it, shared by the node
// agent and the simulator: named after the node, held by it, owned by the Node (so it goes when the Node goes),
// renewTime in microseconds.
import type { Lease } from "kubernetes-types/coordination/v1";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";

/** A MicroTime: RFC 3339 with six fractional digits. */
export const microTime = (d: Date): string => d.toISOString().replace(/Z$/, "000Z");

export interface LeaseHolder {
  name: string;
  uid: string;
  durationSeconds: number;
}

export function nodeLease(holder: LeaseHolder, now: Date): Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: holder.name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name: holder.name, uid: holder.uid }],
    },
    spec: leaseSpec(holder, now),
  };
}

export const leaseSpec = (holder: LeaseHolder, now: Date): NonNullable<Lease["spec"]> =>
  ({ holderIdentity: holder.name, leaseDurationSeconds: holder.durationSeconds, renewTime: microTime(now) });

/** An existing lease brought under the node: held by it and owned by this Node (other owners kept). */
export function adoptedLease(existing: Lease, holder: LeaseHolder, now: Date): Lease {
  const owners = (existing.metadata?.ownerReferences ?? []).filter((r) => !(r.kind === "Node" && r.apiVersion === "v1"));
  const fresh = nodeLease(holder, now);
  return {
    ...existing,
    metadata: { ...existing.metadata, ownerReferences: [...owners, ...fresh.metadata!.ownerReferences!] },
    spec: { ...existing.spec, ...fresh.spec },
  };
}
