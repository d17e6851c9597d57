// The "node-ipam-controller": records a pod subnet (a /24 of --cluster-cidr) in spec.podCIDR(s) of every node
// that lacks one, so each node agent's bridge hands out addresses no other node uses. Simulated nodes keep their
// own addressing and are left alone, so a large simulated fleet does not exhaust the range.
import type { Node } from "kubernetes-types/core/v1";
import type { ControllerContext, ControllerDescriptor } from "../context.ts";
import { Controller } from "../controller.ts";
import { objectOf } from "../../client/informer.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { SIMULATED_ANNOTATION } from "../../api/well-known.ts";
import { SubnetAllocator } from "./allocator.ts";

export const NODE_SUBNET_BITS = 24;

export function nodeIpamController(opts: { clusterCidr: string }): ControllerDescriptor {
  return {
    name: "node-ipam-controller",
    async start(ctx: ControllerContext): Promise<void> {
      const nodes = ctx.informers.informer(R.nodes);
      const allocator = new SubnetAllocator(opts.clusterCidr, NODE_SUBNET_BITS);
      const recorder = ctx.recorder("cidrAllocator");
      const controller = new Controller("node-ipam-controller", async (name) => {
        const node = nodes.store.getByName(undefined, name);
        if (!node || node.spec?.podCIDR || node.metadata?.annotations?.[SIMULATED_ANNOTATION]) return;
        const cidr = allocator.allocate();
        if (!cidr) {
          recorder.event(node, "Normal", "CIDRNotAvailable", `Node ${name} status is now: CIDRNotAvailable`);
          return;
        }
        try {
          await ctx.client.resource(R.nodes).patch(undefined, name, { metadata: { uid: node.metadata!.uid }, spec: { podCIDR: cidr, podCIDRs: [cidr] } }, "merge");
          recorder.event(node, "Normal", "CIDRAssignmentSucceeded", `Node ${name} was assigned pod CIDR ${cidr}`);
        } catch (err) {
          allocator.release(cidr);
          if (!isNotFound(err)) throw err;
        }
      });
      const seen = (n: Node) => {
        if (n.spec?.podCIDR) allocator.occupy(n.spec.podCIDR);
        controller.enqueue(n.metadata!.name!);
      };
      nodes.addHandlers({
        onAdd: seen,
        onUpdate: (_old, n) => seen(n),
        onDelete: (o) => {
          const n = objectOf(o);
          if (n.spec?.podCIDR) allocator.release(n.spec.podCIDR);
        },
      });
      await nodes.waitForSync();
      await controller.run(ctx.signal);
    },
  };
}
