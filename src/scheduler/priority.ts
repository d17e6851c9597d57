// A pod's priority and preemption policy: spec.priority and spec.preemptionPolicy, which the API server's Priority
// admission sets from the PriorityClass. Pods admitted without it (e.g. restored from another datastore) are
// resolved here from the PriorityClasses, as that admission would.
import type { Pod } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import type { Store } from "../client/store.ts";

/** The classes every cluster has, even before they are created as objects. */
const SYSTEM_CLASSES: Record<string, number> = { "system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000 };

export class PriorityResolver {
  private readonly classes: Store<PriorityClass>;

  constructor(classes: Store<PriorityClass>) {
    this.classes = classes;
  }

  priorityOf(pod: Pod): number {
    if (typeof pod.spec?.priority === "number") return pod.spec.priority;
    return this.classOf(pod)?.value ?? SYSTEM_CLASSES[pod.spec?.priorityClassName ?? ""] ?? 0;
  }

  preemptionPolicyOf(pod: Pod): string {
    return pod.spec?.preemptionPolicy ?? this.classOf(pod)?.preemptionPolicy ?? "PreemptLowerPriority";
  }

  private classOf(pod: Pod): PriorityClass | undefined {
    const name = pod.spec?.priorityClassName;
    if (name) return this.classes.getByName(undefined, name);
    // Upstream's admission applies the global default class only to pods that name none.
    let best: PriorityClass | undefined;
    for (const pc of this.classes.list()) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
    return best;
  }
}
