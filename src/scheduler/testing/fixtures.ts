// Nodes and pods for the scheduler's tests: short builders for the fields scheduling reads, and helpers that
// create them through the API the way a kubelet would (status through the nodes/status subresource).
import type { Node, Pod, PodSpec, Taint } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { NodeInfo } from "../node-info.ts";
import { newPodInfo } from "../pod-info.ts";
import type { PodInfo } from "../pod-info.ts";

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extended?: Record<string, string>;
  images?: { names: string[]; sizeBytes: number }[];
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable = { cpu: o.cpu ?? "4", memory: o.memory ?? "16Gi", pods: o.pods ?? "110", ...o.extended };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }],
      images: o.images,
    },
  };
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  priority?: number;
  nodeName?: string;
  spec?: Partial<PodSpec>;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: o.namespace ?? "default", labels: o.labels, uid: `uid-${name}` },
    spec: {
      containers: [{ name: "c", image: "registry.example/app:1", resources: Object.keys(requests).length ? { requests } : undefined }],
      schedulerName: "default-scheduler",
      priority: o.priority,
      nodeName: o.nodeName,
      ...o.spec,
    },
  };
}

export const podInfo = (pod: Pod): PodInfo => newPodInfo(pod, pod.spec?.priority ?? 0);

/** A NodeInfo with the node and the given pods on it, for plugin unit tests. */
export function nodeInfo(node: Node, pods: Pod[] = []): NodeInfo {
  const n = new NodeInfo(node.metadata!.name!);
  n.setNode(node);
  for (const p of pods) n.addPod(podInfo(p));
  return n;
}

/** Creates a Ready node through the API: the object, then its status as a kubelet would report it. */
export async function createNode(client: Client, node: Node): Promise<void> {
  await client.resource(R.nodes).create({ ...node, status: undefined });
  await client.resource(R.nodes).patch(undefined, node.metadata!.name!, { status: node.status }, "merge", { subresource: "status" });
}
