// The pod garbage collector's decisions, one key at a time:
// - "node/<name>": pods bound to a node that is gone are force-deleted once the node has been missing for the
//   quarantine period and a live read confirms it (the cache may just be behind); terminating pods on a node that
//   is not Ready and carries the node.kubernetes.io/out-of-service taint are force-deleted too.
// - "terminated": past the threshold, the oldest terminated pods (evicted ones first) are deleted.
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import type { Store } from "../../client/store.ts";
import { BY_NODE_NAME } from "../../client/store.ts";
import { isNotFound } from "../../client/errors.ts";
import { R } from "../../client/resources.ts";
import type { Logger } from "../../util/log.ts";
import type { ReconcileResult } from "../controller.ts";
import { forceDeletePod } from "./force-delete.ts";
import { metaTime } from "../../util/time.ts";

/** Pods in the Succeeded or Failed phase, under the value "true". */
export const TERMINATED_PODS = "podgc/terminated";
export const TERMINATED_KEY = "terminated";
export const nodeKey = (name: string): string => `node/${name}`;
export const OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

export const isTerminated = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

export interface PodGcOptions {
  /** How long a node must be missing before its pods are deleted (ms). */
  quarantineMs: number;
  /** Terminated pods kept before the oldest are deleted; 0 keeps all. */
  terminatedPodThreshold: number;
}

export interface PodGcDeps {
  client: Client;
  nodes: Store<Node>;
  /** Indexed by BY_NODE_NAME (byNodeName) and TERMINATED_PODS. */
  pods: Store<Pod>;
  log: Logger;
  now(): Date;
}

export class PodGc {
  private readonly deps: PodGcDeps;
  private readonly opts: PodGcOptions;
  /** Nodes whose pods were found without the node, and since when. */
  private readonly missingSince = new Map<string, number>();

  constructor(deps: PodGcDeps, opts: PodGcOptions) {
    this.deps = deps;
    this.opts = opts;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    if (key === TERMINATED_KEY) return this.collectTerminated();
    return this.collectOnNode(key.slice("node/".length));
  }

  private async collectOnNode(name: string): Promise<ReconcileResult | void> {
    const pods = this.deps.pods.byIndex(BY_NODE_NAME, name);
    const node = this.deps.nodes.get(name);
    if (node || pods.length === 0) {
      this.missingSince.delete(name);
      if (node && isOutOfService(node)) {
        for (const pod of pods) if (pod.metadata?.deletionTimestamp && !isTerminated(pod)) await forceDeletePod(this.deps.client, this.deps.log, pod);
      }
      return;
    }
    const now = this.deps.now().getTime();
    const since = this.missingSince.get(name) ?? now;
    this.missingSince.set(name, since);
    if (now - since < this.opts.quarantineMs) return { requeueAfter: since + this.opts.quarantineMs - now };
    try {
      await this.deps.client.resource(R.nodes).get(undefined, name);
      // It exists after all: the cache is behind, and the node's arrival will be seen.
      this.missingSince.delete(name);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const stamp = metaTime(now);
    const condition = { type: "DisruptionTarget", status: "True", reason: "DeletionByPodGC", message: "PodGC: node no longer exists", lastTransitionTime: stamp };
    for (const pod of pods) await forceDeletePod(this.deps.client, this.deps.log, pod, condition);
    this.missingSince.delete(name);
  }

  private async collectTerminated(): Promise<void> {
    if (this.opts.terminatedPodThreshold <= 0) return;
    const terminated = this.deps.pods.byIndex(TERMINATED_PODS, "true");
    const excess = terminated.length - this.opts.terminatedPodThreshold;
    if (excess <= 0) return;
    terminated.sort(evictedThenOldest);
    for (const pod of terminated.slice(0, excess)) await forceDeletePod(this.deps.client, this.deps.log, pod);
  }
}

const isEvicted = (pod: Pod): boolean => pod.status?.phase === "Failed" && pod.status.reason === "Evicted";

function evictedThenOldest(a: Pod, b: Pod): number {
  const byEviction = Number(isEvicted(b)) - Number(isEvicted(a));
  if (byEviction) return byEviction;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? "") || 0;
  return ta - tb || a.metadata!.name!.localeCompare(b.metadata!.name!);
}

function isOutOfService(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return !ready && (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE);
}
