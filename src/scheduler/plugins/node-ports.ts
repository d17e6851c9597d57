// A pod's host ports must be free on the node (0.0.0.0 clashes with every address).
import type { Pod } from "kubernetes-types/core/v1";
import type { FilterPlugin, PreFilterOutcome, PreFilterPlugin } from "../plugin.ts";
import { Action } from "../cluster-event.ts";
import { SKIP, SUCCESS, unschedulable } from "../status.ts";

const NAME = "NodePorts";
const CONFLICT = unschedulable("node(s) didn't have free ports for the requested pod ports");
const SKIPPED: PreFilterOutcome = { status: SKIP };
const OK: PreFilterOutcome = { status: SUCCESS };

const hasHostPorts = (pod: Pod | undefined): boolean => !!pod?.spec?.containers?.some((c) => c.ports?.some((p) => (p.hostPort ?? 0) > 0));

export const nodePorts = (): PreFilterPlugin & FilterPlugin => ({
  name: NAME,
  preFilter: (_state, pod) => (pod.hostPorts.length ? OK : SKIPPED),
  filter(_state, pod, node) {
    if (node.usedPorts.size === 0) return SUCCESS;
    for (const hp of pod.hostPorts) if (node.usedPorts.conflicts(hp)) return CONFLICT;
    return SUCCESS;
  },
  events: () => [
    { event: { resource: "AssignedPod", actions: Action.Delete }, hint: (_pod, old) => hasHostPorts(old as Pod | undefined) },
    { event: { resource: "Node", actions: Action.Add } },
  ],
});
