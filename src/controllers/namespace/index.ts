// The "namespace" controller: empties a namespace being deleted, reports progress in its status conditions, and
// once nothing is left removes the "kubernetes" finalizer (the finalize subresource) so the server deletes it.
import type { Namespace } from "kubernetes-types/core/v1";
import type { ControllerContext, ControllerDescriptor } from "../context.ts";
import { Controller } from "../controller.ts";
import type { ReconcileResult } from "../controller.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { applyReport } from "./conditions.ts";
import { deleteNamespaceContent } from "./content.ts";
import { metaTime } from "../../util/time.ts";

export interface NamespaceControllerOptions {
  /**
   * How long to wait before looking again at a namespace whose content is still going away (ms). Default:
   * half the estimated time left plus a second, as upstream.
   */
  recheckMs?: number;
}

const FINALIZER = "kubernetes";


export function newNamespaceController(opts: NamespaceControllerOptions = {}): ControllerDescriptor {
  return {
    name: "namespace",
    async start(ctx: ControllerContext): Promise<void> {
      const namespaces = ctx.informers.informer(R.namespaces);
      const controller = new Controller("namespace", (name) => reconcile(ctx, namespaces.store.getByName(undefined, name), opts), { workers: 4 });
      const enqueueIfDeleting = (ns: Namespace) => {
        if (ns.metadata?.deletionTimestamp) controller.enqueue(ns.metadata.name!);
      };
      namespaces.addHandlers({ onAdd: enqueueIfDeleting, onUpdate: (_old, ns) => enqueueIfDeleting(ns) });
      await namespaces.waitForSync();
      await controller.run(ctx.signal);
    },
  };
}

export const namespaceController: ControllerDescriptor = newNamespaceController();

async function reconcile(ctx: ControllerContext, ns: Namespace | undefined, opts: NamespaceControllerOptions): Promise<ReconcileResult | void> {
  if (!ns?.metadata?.deletionTimestamp || !ns.spec?.finalizers?.includes(FINALIZER)) return;
  const now = ctx.now();
  const { report, estimateSeconds } = await deleteNamespaceContent(ctx.client, ns, now);
  const namespaces = ctx.client.resource(R.namespaces);
  const { conditions, changed } = applyReport(ns.status?.conditions, report, metaTime(now));
  const current = changed ? await namespaces.updateStatus({ ...ns, status: { ...ns.status, conditions } }) : ns;
  const failures = [report.discoveryFailure, report.groupVersionParsingFailure, ...report.contentFailures].filter((f) => f !== undefined);
  if (failures.length) throw new Error(`namespace ${ns.metadata.name} not emptied: ${failures.join("; ")}`);
  if (estimateSeconds > 0) return { requeueAfter: opts.recheckMs ?? (Math.floor(estimateSeconds / 2) + 1) * 1000 };
  await finalize(ctx, current);
}

/** Removes our finalizer through namespaces/{name}/finalize; the server deletes the namespace once none are left. */
async function finalize(ctx: ControllerContext, ns: Namespace): Promise<void> {
  const spec = { ...ns.spec, finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER) };
  const path = ctx.client.resource(R.namespaces).path(undefined, ns.metadata!.name!, "finalize");
  try {
    await ctx.client.json("PUT", path, { apiVersion: "v1", kind: "Namespace", ...ns, spec }, "application/json");
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
