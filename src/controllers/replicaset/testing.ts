// Test helpers for workload controllers: there is no node agent in controller tests, so tests play its part by
// writing pod status themselves.
import type { Pod } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { metaTime } from "../../util/time.ts";
import { Informer } from "../../client/informer.ts";

export interface PodState {
  ready?: boolean;
  /** When the pod became ready. Default now. */
  readySince?: Date;
  phase?: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
}

/** Sets a pod's phase and Ready condition as a node agent would. */
export function setPodStatus(client: Client, pod: Pod, state: PodState = {}): Promise<Pod> {
  const ready = state.ready ?? true;
  const status = {
    phase: state.phase ?? "Running",
    conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: metaTime(state.readySince ?? new Date()) }],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name, image: c.image ?? "", imageID: "", ready, restartCount: 0, started: true, state: { running: {} },
    })),
  };
  return client.resource(R.pods).patch(pod.metadata!.namespace, pod.metadata!.name!, { status }, "merge", { subresource: "status" });
}

export async function createNamespace(client: Client, name: string): Promise<void> {
  await client.resource(R.namespaces).create({ metadata: { name } });
}

/** A minimal pod template with the given labels and image. */
export const template = (labels: Record<string, string>, image = "nginx:1") => ({
  metadata: { labels },
  spec: { containers: [{ name: "app", image }] },
});

export interface FakeKubelet {
  stop(): void;
}

/**
 * Marks every new pod of the namespace Running and Ready after `delayMs`, unless `ready` says otherwise (e.g. for
 * an image that never starts).
 */
export function runFakeKubelet(client: Client, namespace: string, opts: { delayMs?: number; ready?: (pod: Pod) => boolean } = {}): FakeKubelet {
  const abort = new AbortController();
  const informer = new Informer(client.resource(R.pods), { namespace });
  informer.addHandlers({
    onAdd: (pod) => {
      if (opts.ready && !opts.ready(pod)) return;
      const t = setTimeout(() => setPodStatus(client, pod).catch(() => undefined), opts.delayMs ?? 0);
      abort.signal.addEventListener("abort", () => clearTimeout(t), { once: true });
    },
  });
  informer.run(abort.signal);
  return { stop: () => abort.abort() };
}
