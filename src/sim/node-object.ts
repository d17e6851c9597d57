// The Node object a simulated node registers: its name and the labels and annotation that mark it. On adoption of
// an existing Node only what is missing is added; whatever users set (other labels, changed values, taints, spec)
// stays theirs.
import type { Node } from "kubernetes-types/core/v1";

import { SIMULATED_ANNOTATION } from "../api/well-known.ts";

export function nodeLabels(name: string, extra: Record<string, string>): Record<string, string> {
  return {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "node.kubernetes.io/instance-type": "berth-sim",
    type: "berth-sim",
    ...extra,
  };
}

export function newNode(name: string, extraLabels: Record<string, string>): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: nodeLabels(name, extraLabels), annotations: { [SIMULATED_ANNOTATION]: "true" } },
  };
}

/** A merge patch adding the labels and annotations `existing` lacks, or undefined when it has them all. */
export function missingMetadataPatch(existing: Node, wanted: Node): { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } } | undefined {
  const labels = missing(existing.metadata?.labels, wanted.metadata?.labels);
  const annotations = missing(existing.metadata?.annotations, wanted.metadata?.annotations);
  if (!labels && !annotations) return undefined;
  return { metadata: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } };
}

function missing(have: Record<string, string> = {}, want: Record<string, string> = {}): Record<string, string> | undefined {
  const out = Object.fromEntries(Object.entries(want).filter(([k]) => !(k in have)));
  return Object.keys(out).length ? out : undefined;
}
