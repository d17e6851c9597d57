// The endpoints.kubernetes.io/last-change-trigger-time annotation: the earliest time among the changes this sync
// publishes (a pod's Ready transition, the Service's creation) that the previous sync of the Service had not seen,
// so consumers can measure how long a change took to reach the endpoints.
import type { Pod, Service } from "kubernetes-types/core/v1";

interface ServiceState {
  serviceTime: number;
  podTimes: Map<string, number>;
}

const readyTransition = (pod: Pod): number => {
  const t = pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime;
  return t ? Date.parse(t) : 0;
};

export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /** The trigger time for this sync of the Service (undefined when nothing new), remembering what it saw. */
  compute(key: string, svc: Service, pods: Pod[]): Date | undefined {
    const prev = this.states.get(key);
    let min = Infinity;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = readyTransition(pod);
      if (!t) continue;
      podTimes.set(pod.metadata!.name!, t);
      if (t > (prev?.podTimes.get(pod.metadata!.name!) ?? 0)) min = Math.min(min, t);
    }
    const serviceTime = Date.parse(svc.metadata?.creationTimestamp ?? "") || 0;
    if (serviceTime > (prev?.serviceTime ?? 0)) min = Math.min(min, serviceTime);
    this.states.set(key, { serviceTime, podTimes });
    return Number.isFinite(min) ? new Date(min) : undefined;
  }

  forget(key: string): void {
    this.states.delete(key);
  }
}

/** Go's RFC3339Nano: fractional seconds only when non-zero, trailing zeros dropped. */
export function formatRfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_, frac: string) => (frac ? `.${frac}Z` : "Z"));
}
