// The "serviceaccount" controller: every active namespace has a "default" ServiceAccount, created again if it is
// deleted (upstream's serviceaccounts-controller).
import type { Namespace, ServiceAccount } from "kubernetes-types/core/v1";
import type { ControllerContext, ControllerDescriptor } from "../context.ts";
import { Controller } from "../controller.ts";
import { objectOf } from "../../client/informer.ts";
import type { DeletedFinalStateUnknown } from "../../client/informer.ts";
import { R } from "../../client/resources.ts";
import { isAlreadyExists, isNotFound } from "../../client/errors.ts";
import { isActive } from "./namespace-phase.ts";

const DEFAULT = "default";

export const serviceAccountController: ControllerDescriptor = {
  name: "serviceaccount",
  async start(ctx: ControllerContext): Promise<void> {
    const namespaces = ctx.informers.informer(R.namespaces);
    const accounts = ctx.informers.informer(R.serviceaccounts);
    const controller = new Controller("serviceaccount", async (name) => {
      const ns = namespaces.store.getByName(undefined, name);
      if (!ns || !isActive(ns) || accounts.store.getByName(name, DEFAULT)) return;
      await create(ctx, name);
    });
    const enqueueNamespace = (ns: Namespace) => controller.enqueue(ns.metadata!.name!);
    namespaces.addHandlers({ onAdd: enqueueNamespace, onUpdate: (_old, ns) => enqueueNamespace(ns) });
    accounts.addHandlers({
      onDelete: (o: ServiceAccount | DeletedFinalStateUnknown<ServiceAccount>) => {
        const sa = objectOf(o);
        if (sa.metadata?.name === DEFAULT) controller.enqueue(sa.metadata.namespace!);
      },
    });
    await Promise.all([namespaces.waitForSync(), accounts.waitForSync()]);
    await controller.run(ctx.signal);
  },
};

async function create(ctx: ControllerContext, namespace: string): Promise<void> {
  try {
    await ctx.client.resource(R.serviceaccounts).create({ metadata: { name: DEFAULT, namespace } });
  } catch (err) {
    // Already there (our cache lagged), or the namespace went meanwhile: nothing to do.
    if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
  }
}
