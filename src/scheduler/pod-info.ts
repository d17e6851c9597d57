// What the scheduler derives from a pod once, so that filtering and scoring thousands of nodes never re-parses
// it: requests, host ports, affinity terms, priority.
import type { Pod } from "kubernetes-types/core/v1";
import type { AffinityTerm } from "./affinity-term.ts";
import { parseTerms, parseWeightedTerms } from "./affinity-term.ts";
import type { Resources } from "./resources.ts";
import { podRequests } from "./resources.ts";

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  /** namespace/name */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly priority: number;
  readonly requests: Resources;
  /** cpu and memory with upstream's defaults for containers that request none, for spreading by load. */
  readonly nonZeroCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly AffinityTerm[];
  readonly preferredAntiAffinity: readonly AffinityTerm[];
  /** A selector in the pod's affinity that does not parse: the pod cannot be scheduled until fixed. */
  readonly parseError: string | undefined;
  /** Namespace, deletion state and labels: pods with equal keys are alike to every selector. */
  readonly groupKey: string;
}

const NONE: readonly AffinityTerm[] = Object.freeze([]);

export function newPodInfo(pod: Pod, priority: number): PodInfo {
  const namespace = pod.metadata?.namespace ?? "";
  const name = pod.metadata?.name ?? "";
  const nonZero = podRequests(pod, true);
  const hostPorts: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) hostPorts.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  let terms: Pick<PodInfo, "requiredAffinity" | "requiredAntiAffinity" | "preferredAffinity" | "preferredAntiAffinity"> = {
    requiredAffinity: NONE, requiredAntiAffinity: NONE, preferredAffinity: NONE, preferredAntiAffinity: NONE,
  };
  let parseError: string | undefined;
  const a = pod.spec?.affinity;
  if (a?.podAffinity || a?.podAntiAffinity) {
    try {
      terms = {
        requiredAffinity: parseTerms(a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, namespace),
        requiredAntiAffinity: parseTerms(a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, namespace),
        preferredAffinity: parseWeightedTerms(a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
        preferredAntiAffinity: parseWeightedTerms(a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
      };
    } catch (err) {
      parseError = `invalid pod affinity: ${(err as Error).message}`;
    }
  }
  return {
    pod,
    key: `${namespace}/${name}`,
    namespace,
    name,
    priority,
    requests: podRequests(pod),
    nonZeroCPU: nonZero.milliCPU,
    nonZeroMemory: nonZero.memory,
    hostPorts,
    ...terms,
    parseError,
    groupKey: groupKey(pod),
  };
}

function groupKey(pod: Pod): string {
  const labels = pod.metadata?.labels ?? {};
  let key = `${pod.metadata?.namespace ?? ""}\0${pod.metadata?.deletionTimestamp ? "T" : ""}`;
  for (const k of Object.keys(labels).sort()) key += `\0${k}=${labels[k]}`;
  return key;
}
