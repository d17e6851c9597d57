// The part of the Node's status the agent owns: resources, conditions, addresses, system info and its endpoint.
// It is sent as a strategic merge patch, so what others add (extended resources, NetworkUnavailable, images) stays.
import type { Node, NodeStatus } from "kubernetes-types/core/v1";
import { GIT_VERSION } from "../../util/version.ts";
import { nodeConditions } from "./conditions.ts";
import type { RuntimeState } from "./conditions.ts";
import { pressureOf } from "./eviction.ts";
import type { Machine } from "./machine.ts";
import { nodeResources } from "./resources.ts";

export const KUBELET_VERSION = GIT_VERSION;

export interface NodeStatusInputs {
  nodeName: string;
  nodeIP: string;
  kubeletPort: number;
  machine: Machine;
  runtime: RuntimeState;
}

/** The owned status to report at `now`, given the Node's current status (for condition transition times). */
export function ownedNodeStatus(inputs: NodeStatusInputs, current: NodeStatus | undefined, now: string): NodeStatus {
  const m = inputs.machine;
  return {
    ...nodeResources(m),
    conditions: nodeConditions(pressureOf(m), inputs.runtime, current?.conditions, now),
    // The node name doubles as its hostname, as with k3s's --node-name.
    addresses: [{ type: "InternalIP", address: inputs.nodeIP }, { type: "Hostname", address: inputs.nodeName }],
    daemonEndpoints: { kubeletEndpoint: { Port: inputs.kubeletPort } },
    nodeInfo: {
      machineID: m.machineID,
      systemUUID: m.systemUUID,
      bootID: m.bootID,
      kernelVersion: m.kernelVersion,
      osImage: m.osImage,
      containerRuntimeVersion: inputs.runtime.version,
      kubeletVersion: KUBELET_VERSION,
      // Deprecated: 1.32's kubelet leaves it empty (DisableNodeKubeProxyVersion).
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: m.architecture,
    },
  };
}

/** Whether the Node already shows everything in `wanted` (heartbeat and transition times aside). */
export function ownedStatusCurrent(node: Node | undefined, wanted: NodeStatus): boolean {
  const s = node?.status;
  if (!s) return false;
  const sameMap = (have: Record<string, string> | undefined, want: Record<string, string> | undefined) =>
    Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);
  const sameConditions = (wanted.conditions ?? []).every((w) => {
    const c = s.conditions?.find((x) => x.type === w.type);
    return c?.status === w.status && c.reason === w.reason && c.message === w.message;
  });
  const sameAddresses = (wanted.addresses ?? []).every((w) => s.addresses?.some((a) => a.type === w.type && a.address === w.address));
  return sameMap(s.capacity, wanted.capacity) && sameMap(s.allocatable, wanted.allocatable) && sameConditions && sameAddresses
    && sameMap(s.nodeInfo as unknown as Record<string, string>, wanted.nodeInfo as unknown as Record<string, string>)
    && s.daemonEndpoints?.kubeletEndpoint?.Port === wanted.daemonEndpoints?.kubeletEndpoint?.Port;
}
