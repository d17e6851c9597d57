// The part of a Node's status a simulated kubelet owns, as upstream's kubelet reports it: capacity and allocatable,
// the Ready and pressure conditions, addresses, system info and the kubelet endpoint. It is sent as a strategic
// merge patch, so conditions, addresses and resources others add (extended resources, NetworkUnavailable) stay.
import type { Node, NodeCondition, NodeStatus } from "kubernetes-types/core/v1";
import type { NodeResources } from "./options.ts";

export const KUBELET_VERSION = "v1.32.0-berth-sim";
export const KUBELET_PORT = 10250;

const CONDITIONS: readonly Pick<NodeCondition, "type" | "status" | "reason" | "message">[] = [
  { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available" },
  { type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure" },
  { type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available" },
  { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
];

export interface NodeFacts {
  name: string;
  index: number;
  internalIp: string;
  resources: NodeResources;
  /** Eight hex digits drawn at each simulator start: boot ids change on restart, as a machine's do on reboot. */
  bootNonce: string;
}

/** The node's ids, distinct per node and cheap to derive (no hashing 500 times a second). */
function nodeIds(facts: NodeFacts): { machineID: string; systemUUID: string; bootID: string } {
  const n = facts.index.toString(16).padStart(12, "0");
  return { machineID: `00000000000040008000${n}`, systemUUID: `00000000-0000-4000-8000-${n}`, bootID: `${facts.bootNonce}-0000-4000-9000-${n}` };
}

/**
 * The owned status to post. Heartbeat times are `now`; a condition keeps its lastTransitionTime while its status is
 * unchanged from `current`.
 */
export function ownedNodeStatus(facts: NodeFacts, current: NodeStatus | undefined, now: string): NodeStatus {
  const conditions = CONDITIONS.map((c) => {
    const prev = current?.conditions?.find((p) => p.type === c.type);
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: prev?.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
  });
  return {
    capacity: { ...facts.resources },
    allocatable: { ...facts.resources },
    conditions,
    addresses: [{ type: "InternalIP", address: facts.internalIp }, { type: "Hostname", address: facts.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      ...nodeIds(facts),
      kernelVersion: "6.1.0-berth-sim",
      osImage: "Berth simulated node",
      containerRuntimeVersion: "sim://0.1.0",
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: "amd64",
    },
  };
}

/** Whether the node already reports everything the simulator owns (heartbeat and transition times aside). */
export function ownedStatusCurrent(node: Node | undefined, wanted: NodeStatus): boolean {
  const s = node?.status;
  if (!s) return false;
  const sameResources = (have: Record<string, string> | undefined, want: Record<string, string> | undefined) =>
    Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);
  const sameConditions = (wanted.conditions ?? []).every((w) => {
    const c = s.conditions?.find((x) => x.type === w.type);
    return c?.status === w.status && c.reason === w.reason && c.message === w.message;
  });
  const sameAddresses = (wanted.addresses ?? []).every((w) => s.addresses?.some((a) => a.type === w.type && a.address === w.address));
  const info = s.nodeInfo as unknown as Record<string, string> | undefined;
  const sameInfo = Object.entries(wanted.nodeInfo ?? {}).every(([k, v]) => v === "" || info?.[k] === v);
  return sameResources(s.capacity, wanted.capacity) && sameResources(s.allocatable, wanted.allocatable) && sameConditions && sameAddresses && sameInfo &&
    s.daemonEndpoints?.kubeletEndpoint?.Port === wanted.daemonEndpoints?.kubeletEndpoint?.Port;
}
