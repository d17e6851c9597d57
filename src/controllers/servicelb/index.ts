// The "service-lb-controller": Berth answers LoadBalancer Services on its nodes' own addresses, as k3s's ServiceLB
// does, so a Service of type LoadBalancer gets status.loadBalancer.ingress = the addresses of the Ready nodes
// (ExternalIP where a node has one, else InternalIP); every node's proxy answers the Service port on them.
// Services that name a loadBalancerClass belong to another implementation and are left alone.
import type { Node, Service, LoadBalancerIngress } from "kubernetes-types/core/v1";
import type { ControllerContext, ControllerDescriptor } from "../context.ts";
import { Controller } from "../controller.ts";
import { objectOf } from "../../client/informer.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { SIMULATED_ANNOTATION } from "../../api/well-known.ts";


/** The address a node offers load-balanced Services on, or undefined while it is not Ready. */
export function nodeIngressAddress(node: Node): string | undefined {
  if (node.metadata?.annotations?.[SIMULATED_ANNOTATION] || node.spec?.unschedulable) return undefined;
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  if (!ready) return undefined;
  const addresses = node.status?.addresses ?? [];
  return (addresses.find((a) => a.type === "ExternalIP") ?? addresses.find((a) => a.type === "InternalIP"))?.address;
}

/** The ingress a Service should show: node addresses for a LoadBalancer Service of ours, none otherwise. */
export function desiredIngress(svc: Service, nodes: Node[]): LoadBalancerIngress[] {
  if (svc.spec?.type !== "LoadBalancer" || svc.spec.loadBalancerClass) return [];
  const ips = [...new Set(nodes.map(nodeIngressAddress).filter((ip): ip is string => !!ip))].sort();
  return ips.map((ip) => ({ ip, ipMode: "VIP" }));
}

const sameIngress = (a: LoadBalancerIngress[], b: LoadBalancerIngress[]) =>
  a.length === b.length && a.every((x, i) => x.ip === b[i]!.ip && x.hostname === b[i]!.hostname && x.ipMode === b[i]!.ipMode);

export const serviceLbController: ControllerDescriptor = {
  name: "service-lb-controller",
  async start(ctx: ControllerContext): Promise<void> {
    const services = ctx.informers.informer(R.services);
    const nodes = ctx.informers.informer(R.nodes);
    const controller = new Controller("service-lb-controller", async (key) => {
      const svc = services.store.get(key);
      if (!svc) return;
      // A Service of another type never had ingress from us; one that stopped being a LoadBalancer loses it.
      const current = svc.status?.loadBalancer?.ingress ?? [];
      if (svc.spec?.type !== "LoadBalancer" && current.length === 0) return;
      if (svc.spec?.loadBalancerClass) return;
      const desired = desiredIngress(svc, nodes.store.list());
      if (sameIngress(current, desired)) return;
      try {
        await ctx.client.resource(R.services).updateStatus({ ...svc, status: { ...svc.status, loadBalancer: desired.length ? { ingress: desired } : {} } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    });
    const enqueue = (s: Service) => controller.enqueue(`${s.metadata!.namespace}/${s.metadata!.name}`);
    const enqueueLoadBalancers = () => {
      for (const s of services.store.list()) if (s.spec?.type === "LoadBalancer") enqueue(s);
    };
    services.addHandlers({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s) });
    nodes.addHandlers({
      onAdd: enqueueLoadBalancers,
      onUpdate: (old, n) => {
        if (nodeIngressAddress(old) !== nodeIngressAddress(n)) enqueueLoadBalancers();
      },
      onDelete: (o) => {
        if (nodeIngressAddress(objectOf(o))) enqueueLoadBalancers();
      },
    });
    await Promise.all([services.waitForSync(), nodes.waitForSync()]);
    await controller.run(ctx.signal);
  },
};
