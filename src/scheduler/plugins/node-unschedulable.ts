// Cordoned nodes (spec.unschedulable) take no new pods, unless the pod tolerates the unschedulable taint.
import type { Node } from "kubernetes-types/core/v1";
import type { FilterPlugin } from "../plugin.ts";
import { Action } from "../cluster-event.ts";
import { SUCCESS, unresolvable } from "../status.ts";
import { toleratedBy } from "./helpers/tolerations.ts";

const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };
const REJECTED = unresolvable("node(s) were unschedulable");

export const nodeUnschedulable = (): FilterPlugin => ({
  name: "NodeUnschedulable",
  filter(_state, pod, node) {
    if (!node.unschedulable || toleratedBy(pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return SUCCESS;
    return REJECTED;
  },
  events: () => [{
    event: { resource: "Node", actions: Action.Add | Action.UpdateNodeTaint },
    hint: (pod, _old, node) => !(node as Node | undefined)?.spec?.unschedulable || toleratedBy(pod.spec?.tolerations, UNSCHEDULABLE_TAINT),
  }],
});
