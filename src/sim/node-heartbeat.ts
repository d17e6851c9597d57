// One node's heartbeat, as the kubelet sends it: renew the Lease (cheap, every 10 s), and post the owned status
// when it changed or a report is due. A Node deleted under the simulator is noticed here and left alone.
import type { Node, NodeStatus } from "kubernetes-types/core/v1";
import { isAlreadyExists, isNotFound } from "../client/errors.ts";
import { adoptedLease, leaseSpec, nodeLease, NODE_LEASE_NAMESPACE } from "../client/node-lease.ts";
import type { LeaseHolder } from "../client/node-lease.ts";
import { ownedNodeStatus, ownedStatusCurrent } from "./node-status.ts";
import type { SimNode } from "./node-fleet.ts";
import type { NodeApi } from "./node-api.ts";
import { metaTime } from "../util/time.ts";

const holderOf = (api: NodeApi, node: SimNode): LeaseHolder => ({ name: node.name, uid: node.uid!, durationSeconds: api.leaseDurationSeconds });

/** The owned status the node should report, given the Node as it stands. */
export function wantedStatus(api: NodeApi, node: SimNode, current: Node | undefined): NodeStatus {
  const facts = { name: node.name, index: node.index, internalIp: node.internalIp, resources: api.resources, bootNonce: api.bootNonce };
  return ownedNodeStatus(facts, current?.status, metaTime(api.now()));
}

/** Posts the owned status as a strategic merge patch of nodes/{name}/status; false (and "gone") if the Node is. */
export async function postNodeStatus(api: NodeApi, node: SimNode, current: Node | undefined): Promise<boolean> {
  try {
    await api.nodes.patch(undefined, node.name, { status: wantedStatus(api, node, current) }, "strategic", { subresource: "status" });
    node.reportDue = false;
    return true;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    node.state = "gone";
    return false;
  }
}

/**
 * Creates the node's Lease, or takes over the existing one (holder, duration, owner); either way renews it.
 * `likelyExists` (the Node was adopted) tries the existing Lease first, saving a failed create per node.
 */
export async function ensureLease(api: NodeApi, node: SimNode, likelyExists = false): Promise<void> {
  const holder = holderOf(api, node);
  if (likelyExists) {
    try {
      const existing = await api.leases.get(NODE_LEASE_NAMESPACE, node.name);
      await api.leases.update(adoptedLease(existing, holder, api.now()));
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  try {
    await api.leases.create(nodeLease(holder, api.now()));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await api.leases.get(NODE_LEASE_NAMESPACE, node.name);
    await api.leases.update(adoptedLease(existing, holder, api.now()));
  }
}

async function renewLease(api: NodeApi, node: SimNode): Promise<void> {
  try {
    await api.leases.patch(NODE_LEASE_NAMESPACE, node.name, { spec: leaseSpec(holderOf(api, node), api.now()) }, "merge");
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // The Lease was deleted: by a user, or by the garbage collector because the Node went.
    try {
      node.uid = (await api.nodes.get(undefined, node.name)).metadata!.uid;
    } catch (getErr) {
      if (!isNotFound(getErr)) throw getErr;
      node.state = "gone";
      return;
    }
    await ensureLease(api, node);
  }
}

export async function heartbeat(api: NodeApi, node: SimNode): Promise<void> {
  await renewLease(api, node);
  if (node.state !== "registered") return;
  const current = api.cache.getByName(undefined, node.name);
  if (node.reportDue || !ownedStatusCurrent(current, wantedStatus(api, node, current))) await postNodeStatus(api, node, current);
}
