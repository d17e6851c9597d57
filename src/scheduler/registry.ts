// The in-tree plugins by name, as configuration refers to them.
import type { PluginFactory } from "./plugin.ts";
import { prioritySort } from "./plugins/priority-sort.ts";
import { schedulingGates } from "./plugins/scheduling-gates.ts";
import { nodeUnschedulable } from "./plugins/node-unschedulable.ts";
import { nodeName } from "./plugins/node-name.ts";
import { taintToleration } from "./plugins/taint-toleration.ts";
import { nodeAffinity } from "./plugins/node-affinity.ts";
import { nodePorts } from "./plugins/node-ports.ts";
import { nodeResourcesFit } from "./plugins/node-resources-fit.ts";
import { balancedAllocation } from "./plugins/balanced-allocation.ts";
import { defaultBinder } from "./plugins/default-binder.ts";
import { interPodAffinity } from "./plugins/inter-pod-affinity.ts";
import { podTopologySpread } from "./plugins/pod-topology-spread.ts";
import { imageLocality } from "./plugins/image-locality.ts";
import { defaultPreemption } from "./plugins/default-preemption.ts";

export const inTreePlugins: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  ["PrioritySort", prioritySort],
  ["SchedulingGates", schedulingGates],
  ["NodeUnschedulable", nodeUnschedulable],
  ["NodeName", nodeName],
  ["TaintToleration", taintToleration],
  ["NodeAffinity", (args) => nodeAffinity(args)],
  ["NodePorts", nodePorts],
  ["NodeResourcesFit", (args) => nodeResourcesFit(args)],
  ["PodTopologySpread", podTopologySpread],
  ["InterPodAffinity", interPodAffinity],
  ["NodeResourcesBalancedAllocation", (args) => balancedAllocation(args)],
  ["ImageLocality", imageLocality],
  ["DefaultPreemption", defaultPreemption],
  ["DefaultBinder", defaultBinder],
]);
