// The "root-ca-cert-publisher" controller: every active namespace has a kube-root-ca.crt ConfigMap holding the
// cluster CA, so pods can verify the API server; it is created again if deleted and restored if changed.
import type { ConfigMap, Namespace } from "kubernetes-types/core/v1";
import { isDeepStrictEqual } from "node:util";
import type { ControllerContext, ControllerDescriptor } from "../context.ts";
import { Controller } from "../controller.ts";
import { objectOf } from "../../client/informer.ts";
import type { DeletedFinalStateUnknown } from "../../client/informer.ts";
import { R } from "../../client/resources.ts";
import { isAlreadyExists, isNotFound } from "../../client/errors.ts";
import { isActive } from "../serviceaccount/namespace-phase.ts";

export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
const DESCRIPTION_ANNOTATION = "kubernetes.io/description";
const DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. "
  + "No other usage is guaranteed across distributions of Kubernetes clusters.";

export const rootCaPublisherController: ControllerDescriptor = {
  name: "root-ca-cert-publisher",
  async start(ctx: ControllerContext): Promise<void> {
    const namespaces = ctx.informers.informer(R.namespaces);
    // Only the one ConfigMap per namespace, not every ConfigMap in the cluster.
    const published = ctx.informers.informer(R.configmaps, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` });
    const controller = new Controller("root-ca-cert-publisher", async (name) => {
      const ns = namespaces.store.getByName(undefined, name);
      if (!ns || !isActive(ns)) return;
      await publish(ctx, name, published.store.getByName(name, ROOT_CA_CONFIGMAP));
    });
    const enqueueNamespace = (ns: Namespace) => controller.enqueue(ns.metadata!.name!);
    const enqueueOwnNamespace = (cm: ConfigMap) => controller.enqueue(cm.metadata!.namespace!);
    namespaces.addHandlers({ onAdd: enqueueNamespace, onUpdate: (_old, ns) => enqueueNamespace(ns) });
    published.addHandlers({
      onUpdate: (_old, cm) => enqueueOwnNamespace(cm),
      onDelete: (o: ConfigMap | DeletedFinalStateUnknown<ConfigMap>) => enqueueOwnNamespace(objectOf(o)),
    });
    await Promise.all([namespaces.waitForSync(), published.waitForSync()]);
    await controller.run(ctx.signal);
  },
};

/** Creates the ConfigMap, or puts back its data and description if they were changed. */
async function publish(ctx: ControllerContext, namespace: string, current: ConfigMap | undefined): Promise<void> {
  const configMaps = ctx.client.resource(R.configmaps);
  const data = { "ca.crt": ctx.rootCaPem };
  if (!current) {
    try {
      await configMaps.create({ metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
    } catch (err) {
      // Already there (our cache lagged: its add event brings us back), or the namespace went meanwhile.
      if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
    }
    return;
  }
  // As upstream, any description will do; the data must be exactly the CA.
  if (isDeepStrictEqual(current.data ?? {}, data) && current.metadata?.annotations?.[DESCRIPTION_ANNOTATION]) return;
  const annotations = { ...current.metadata?.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION };
  await configMaps.update({ ...current, metadata: { ...current.metadata, annotations }, data });
}
