// Taint-based eviction (upstream's taint eviction controller): a pod on a node with NoExecute taints it does not
// tolerate is deleted at once; one that tolerates them for tolerationSeconds is deleted when that runs out.
// Deletion is the ordinary graceful one, preceded by a DisruptionTarget condition saying why.
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import { splitKey } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import type { EventRecorder } from "../../client/events.ts";
import { isNotFound } from "../../client/errors.ts";
import { R } from "../../client/resources.ts";
import type { ReconcileResult } from "../controller.ts";
import { evictionTime } from "./tolerations.ts";
import { metaTime } from "../../util/time.ts";

export interface TaintEvictionDeps {
  client: Client;
  pods: Store<Pod>;
  nodes: Store<Node>;
  recorder: EventRecorder;
  now(): Date;
}

export class TaintEviction {
  private readonly deps: TaintEvictionDeps;
  /** Pods with an eviction pending, and since when (stands in for taints without timeAdded). */
  private readonly pending = new Map<string, number>();
  /** Uids of pods deleted but not yet seen terminating or gone: never delete (or report) twice. */
  private readonly deleting = new Set<string>();

  constructor(deps: TaintEvictionDeps) {
    this.deps = deps;
  }

  /** The informer saw the pod terminating or gone. */
  settled(pod: Pod): void {
    this.deleting.delete(pod.metadata?.uid ?? "");
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const pod = this.deps.pods.get(key);
    if (!pod || pod.metadata?.deletionTimestamp) {
      this.pending.delete(key);
      return;
    }
    const node = pod.spec?.nodeName ? this.deps.nodes.get(pod.spec.nodeName) : undefined;
    const taints = (node?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute");
    const now = this.deps.now().getTime();
    const at = taints.length ? evictionTime(taints, pod.spec?.tolerations ?? [], this.pending.get(key) ?? now) : undefined;
    if (at === undefined) {
      if (this.pending.delete(key)) this.deps.recorder.event(pod, "Normal", "TaintManagerEviction", `Cancelling deletion of Pod ${key}`);
      return;
    }
    if (at > now) {
      if (!this.pending.has(key)) this.pending.set(key, now);
      return { requeueAfter: at - now };
    }
    await this.evict(key, pod);
  }

  private async evict(key: string, pod: Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    if (this.deleting.has(uid)) return;
    const { namespace, name } = splitKey(key);
    const pods = this.deps.client.resource(R.pods);
    this.deps.recorder.event(pod, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`);
    this.deleting.add(uid);
    try {
      const stamp = metaTime(this.deps.now());
      const condition = { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint", lastTransitionTime: stamp };
      await pods.patch(namespace, name, { metadata: { uid }, status: { conditions: [condition] } }, "strategic", { subresource: "status" });
      await pods.delete(namespace, name, { preconditions: { uid } });
      this.pending.delete(key);
    } catch (err) {
      this.deleting.delete(uid);
      if (!isNotFound(err)) throw err;
    }
  }
}
