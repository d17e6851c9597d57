// Pods with spec.schedulingGates stay out of the active queue until every gate is removed (the queue re-checks a
// gated pod whenever the pod itself changes).
import type { PreEnqueuePlugin } from "../plugin.ts";
import { SUCCESS, unresolvable } from "../status.ts";

export const schedulingGates = (): PreEnqueuePlugin => ({
  name: "SchedulingGates",
  preEnqueue(pod) {
    const gates = pod.pod.spec?.schedulingGates;
    if (!gates?.length) return SUCCESS;
    return unresolvable(`waiting for scheduling gates: [${gates.map((g) => g.name).join(" ")}]`);
  },
});
