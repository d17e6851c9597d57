// Writes the PodScheduled condition (and nominatedNodeName) of pods the scheduler could not place. Writes are
// coalesced per pod (only the latest wanted state is sent) and a few run at once, so a burst of unschedulable pods
// does not flood the API server; a write that would change nothing is not sent at all.
import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import type { Client } from "../client/rest-client.ts";
import { R } from "../client/resources.ts";
import { logger } from "../util/log.ts";
import { metaTime } from "../util/time.ts";

export interface ConditionUpdate {
  reason: string;
  message: string;
  /** A node name to nominate, null to clear the nomination, undefined to leave it. */
  nominatedNodeName?: string | null;
}

const log = logger("scheduler");

export class PodStatusWriter {
  private readonly client: Client;
  private readonly pending = new Map<string, { pod: Pod; update: ConditionUpdate }>();
  private running = 0;
  private readonly concurrency: number;

  constructor(client: Client, concurrency = 8) {
    this.client = client;
    this.concurrency = concurrency;
  }

  /** Queues the write unless the pod already shows exactly this. */
  setUnschedulable(pod: Pod, update: ConditionUpdate): void {
    const cur = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    const nominationUnchanged = update.nominatedNodeName === undefined || (update.nominatedNodeName ?? undefined) === (pod.status?.nominatedNodeName || undefined);
    if (cur?.status === "False" && cur.reason === update.reason && cur.message === update.message && nominationUnchanged) return;
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.pending.set(key, { pod, update });
    this.pump();
  }

  /** Drops a queued write (the pod was scheduled or deleted meanwhile). */
  cancel(key: string): void {
    this.pending.delete(key);
  }

  private pump(): void {
    while (this.running < this.concurrency && this.pending.size) {
      const [key, { pod, update }] = this.pending.entries().next().value!;
      this.pending.delete(key);
      this.running++;
      this.write(pod, update)
        .catch((err: Error) => log.debug({ pod: key, err: err.message }, "pod status not updated"))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private write(pod: Pod, update: ConditionUpdate): Promise<unknown> {
    const cur = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    const condition: PodCondition = {
      type: "PodScheduled",
      status: "False",
      reason: update.reason,
      message: update.message,
      lastProbeTime: null as unknown as string,
      lastTransitionTime: cur?.status === "False" && cur.lastTransitionTime ? cur.lastTransitionTime : metaTime(Date.now()),
    };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (update.nominatedNodeName !== undefined) status.nominatedNodeName = update.nominatedNodeName;
    return this.client.resource(R.pods).patch(pod.metadata?.namespace, pod.metadata!.name!, { status }, "strategic", { subresource: "status" });
  }
}
