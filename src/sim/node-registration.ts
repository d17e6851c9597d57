// Registering a simulated node: create its Node, or adopt an existing one by adding only the labels and annotation
// it lacks; then post its status and take its Lease.
import type { Node } from "kubernetes-types/core/v1";
import { isAlreadyExists } from "../client/errors.ts";
import { missingMetadataPatch, newNode } from "./node-object.ts";
import type { SimNode } from "./node-fleet.ts";
import { ensureLease, postNodeStatus } from "./node-heartbeat.ts";
import type { NodeApi } from "./node-api.ts";

async function createOrAdopt(api: NodeApi, node: SimNode): Promise<Node> {
  const wanted = newNode(node.name, api.extraLabels);
  let existing = api.cache.getByName(undefined, node.name);
  if (!existing) {
    try {
      return await api.nodes.create(wanted);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      existing = await api.nodes.get(undefined, node.name);
    }
  }
  const patch = missingMetadataPatch(existing, wanted);
  return patch ? api.nodes.patch(undefined, node.name, patch, "merge") : existing;
}

/** Answers false when the Node was deleted while it registered. */
export async function registerNode(api: NodeApi, node: SimNode): Promise<boolean> {
  const registered = await createOrAdopt(api, node);
  node.uid = registered.metadata!.uid;
  if (!(await postNodeStatus(api, node, registered))) return false;
  await ensureLease(api, node);
  node.state = "registered";
  return true;
}
