// Registering a simulated node: create its Node, or adopt an existing one by adding only the labels and annotation
// it lacks; then post its status (unless the create already stored it, as upstream does for Nodes) and take its
// Lease.
import type { Node } from "kubernetes-types/core/v1";
import { isAlreadyExists } from "../client/errors.ts";
import { missingMetadataPatch, newNode } from "./node-object.ts";
import type { SimNode } from "./node-fleet.ts";
import { ensureLease, postNodeStatus, wantedStatus } from "./node-heartbeat.ts";
import { ownedStatusCurrent } from "./node-status.ts";
import type { NodeApi } from "./node-api.ts";

async function createOrAdopt(api: NodeApi, node: SimNode): Promise<{ registered: Node; adopted: boolean }> {
  const wanted = newNode(node.name, api.extraLabels);
  let existing = api.cache.getByName(undefined, node.name);
  if (!existing) {
    try {
      return { registered: await api.nodes.create({ ...wanted, status: wantedStatus(api, node, undefined) }), adopted: false };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      existing = await api.nodes.get(undefined, node.name);
    }
  }
  const patch = missingMetadataPatch(existing, wanted);
  return { registered: patch ? await api.nodes.patch(undefined, node.name, patch, "merge") : existing, adopted: true };
}

/** Answers false when the Node was deleted while it registered. */
export async function registerNode(api: NodeApi, node: SimNode): Promise<boolean> {
  const { registered, adopted } = await createOrAdopt(api, node);
  node.uid = registered.metadata!.uid;
  if (!ownedStatusCurrent(registered, wantedStatus(api, node, registered)) && !(await postNodeStatus(api, node, registered))) return false;
  await ensureLease(api, node, adopted);
  node.state = "registered";
  return true;
}
