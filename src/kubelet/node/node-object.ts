// The Node the agent registers: its labels (upstream's well-known ones) and, when given, its pod CIDR. Adopting an
// existing Node only adds what it lacks: labels, annotations, taints and a pod CIDR users set stay theirs.
import type { Node } from "kubernetes-types/core/v1";

export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

export interface NodeIdentity {
  nodeName: string;
  architecture: string;
  podCidr?: string;
  controlPlane?: boolean;
}

export function nodeLabels(id: NodeIdentity): Record<string, string> {
  return {
    "beta.kubernetes.io/arch": id.architecture,
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": id.architecture,
    "kubernetes.io/hostname": id.nodeName,
    "kubernetes.io/os": "linux",
    ...(id.controlPlane ? { [CONTROL_PLANE_LABEL]: "true" } : {}),
  };
}

export function newNode(id: NodeIdentity): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: id.nodeName, labels: nodeLabels(id) },
    ...(id.podCidr ? { spec: { podCIDR: id.podCidr, podCIDRs: [id.podCidr] } } : {}),
  };
}

/** A merge patch bringing an existing Node what it lacks of `id`, or undefined when it lacks nothing. */
export function adoptionPatch(existing: Node, id: NodeIdentity): { metadata?: { labels: Record<string, string> }; spec?: Node["spec"] } | undefined {
  const have = existing.metadata?.labels ?? {};
  const labels = Object.fromEntries(Object.entries(nodeLabels(id)).filter(([k]) => !(k in have)));
  const needsCidr = !!id.podCidr && !existing.spec?.podCIDR;
  if (!Object.keys(labels).length && !needsCidr) return undefined;
  return {
    ...(Object.keys(labels).length ? { metadata: { labels } } : {}),
    ...(needsCidr ? { spec: { podCIDR: id.podCidr, podCIDRs: [id.podCidr!] } } : {}),
  };
}
