// A pod that names its node (spec.nodeName) fits only there.
import type { Node } from "kubernetes-types/core/v1";
import type { FilterPlugin } from "../plugin.ts";
import { Action } from "../cluster-event.ts";
import { SUCCESS, unresolvable } from "../status.ts";

const REJECTED = unresolvable("node(s) didn't match the requested node name");

export const nodeName = (): FilterPlugin => ({
  name: "NodeName",
  filter(_state, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    return !wanted || wanted === node.name ? SUCCESS : REJECTED;
  },
  events: () => [{ event: { resource: "Node", actions: Action.Add }, hint: (pod, _old, node) => (node as Node | undefined)?.metadata?.name === pod.spec?.nodeName }],
});
