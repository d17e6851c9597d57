// The status a simulated kubelet reports for a pod: every container started and ready at once (init containers
// completed, sidecars running), the pod Running with its IPs. Container ids derive from the pod uid so a restarted
// simulator reports the same ones. When per-pod logs or metrics arrive, their source (what each container
// "prints" and "uses") belongs beside this module, keyed by these container ids.
import { createHash } from "node:crypto";
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1";

export interface PodNetwork {
  hostIP: string;
  podIP: string;
}

const hex = (text: string): string => createHash("sha256").update(text).digest("hex");

export const containerId = (podUid: string, container: string): string => `sim://${hex(`${podUid}/${container}`)}`;

/** The image's repository with the digest the simulated runtime "pulled", e.g. nginx@sha256:... */
export function imageId(image: string): string {
  if (image.includes("@")) return image;
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  const repo = colon > slash ? image.slice(0, colon) : image;
  return `${repo}@sha256:${hex(image)}`;
}

type Phase = "Running" | "Succeeded";

function containerStatus(pod: Pod, c: Container, state: "running" | "completed", prev: ContainerStatus | undefined, now: string): ContainerStatus {
  const startedAt = prev?.state?.running?.startedAt ?? prev?.state?.terminated?.startedAt ?? now;
  const running = state === "running";
  return {
    name: c.name,
    state: running ? { running: { startedAt } } : { terminated: { exitCode: 0, reason: "Completed", startedAt, finishedAt: prev?.state?.terminated?.finishedAt ?? now, containerID: containerId(pod.metadata!.uid!, c.name) } },
    ready: running,
    started: running,
    restartCount: 0,
    image: c.image ?? "",
    imageID: imageId(c.image ?? ""),
    containerID: containerId(pod.metadata!.uid!, c.name),
  };
}

const isSidecar = (c: Container): boolean => c.restartPolicy === "Always";

function condition(type: string, status: "True" | "False", prev: PodCondition[] | undefined, now: string, reason?: string, message?: string): PodCondition {
  const old = prev?.find((c) => c.type === type);
  return {
    type,
    status,
    lastTransitionTime: old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** Why the pod's readiness gates hold it back, as the kubelet words it; undefined when they are all met. */
function unmetReadinessGate(pod: Pod): string | undefined {
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = pod.status?.conditions?.find((x) => x.type === gate.conditionType);
    if (!c) return `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`;
    if (c.status !== "True") return `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`;
  }
  return undefined;
}

const OWNED_CONDITIONS = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];

function podStatus(pod: Pod, phase: Phase, net: PodNetwork, now: string): PodStatus {
  const prev = pod.status ?? {};
  const running = phase === "Running";
  const gate = running ? unmetReadinessGate(pod) : undefined;
  const prevConditions = prev.conditions;
  const conditions = [
    condition("PodReadyToStartContainers", running ? "True" : "False", prevConditions, now),
    condition("Initialized", "True", prevConditions, now, running ? undefined : "PodCompleted"),
    running
      ? condition("Ready", gate ? "False" : "True", prevConditions, now, gate ? "ReadinessGatesNotReady" : undefined, gate)
      : condition("Ready", "False", prevConditions, now, "PodCompleted"),
    condition("ContainersReady", running ? "True" : "False", prevConditions, now, running ? undefined : "PodCompleted"),
    condition("PodScheduled", "True", prevConditions, now),
    ...(prevConditions ?? []).filter((c) => !OWNED_CONDITIONS.includes(c.type)),
  ];
  const prevStatus = (list: ContainerStatus[] | undefined, name: string) => list?.find((s) => s.name === name);
  const spec = pod.spec!;
  const status: PodStatus = {
    ...prev,
    phase,
    conditions,
    hostIP: net.hostIP,
    hostIPs: [{ ip: net.hostIP }],
    podIP: net.podIP,
    podIPs: [{ ip: net.podIP }],
    startTime: prev.startTime ?? now,
    containerStatuses: spec.containers.map((c) => containerStatus(pod, c, running ? "running" : "completed", prevStatus(prev.containerStatuses, c.name), now)),
  };
  if (spec.initContainers?.length) {
    status.initContainerStatuses = spec.initContainers.map((c) =>
      containerStatus(pod, c, running && isSidecar(c) ? "running" : "completed", prevStatus(prev.initContainerStatuses, c.name), now));
  }
  if (spec.ephemeralContainers?.length) {
    status.ephemeralContainerStatuses = spec.ephemeralContainers.map((c) =>
      containerStatus(pod, c as Container, running ? "running" : "completed", prevStatus(prev.ephemeralContainerStatuses, c.name), now));
  }
  return status;
}

/** Every container up and ready; times already reported are kept. */
export const runningPodStatus = (pod: Pod, net: PodNetwork, now: string): PodStatus => podStatus(pod, "Running", net, now);

/** Every container exited 0 after SIGTERM: the status a deleted pod ends with. */
export const terminatedPodStatus = (pod: Pod, net: PodNetwork, now: string): PodStatus => podStatus(pod, "Succeeded", net, now);

/** A summary of what the simulator owns in a pod status, to tell whether a write would change anything. */
function ownedSummary(s: PodStatus | undefined): string {
  const containers = (list: ContainerStatus[] | undefined) =>
    (list ?? []).map((c) => `${c.name}:${c.ready}:${c.started}:${Object.keys(c.state ?? {}).join()}:${c.image}:${c.containerID}`).join(",");
  const conditions = (s?.conditions ?? []).filter((c) => OWNED_CONDITIONS.includes(c.type)).map((c) => `${c.type}=${c.status}/${c.reason ?? ""}`).sort().join(",");
  return [s?.phase, s?.hostIP, s?.podIP, s?.startTime ? "started" : "", conditions, containers(s?.containerStatuses), containers(s?.initContainerStatuses), containers(s?.ephemeralContainerStatuses)].join("|");
}

export const podStatusCurrent = (pod: Pod, wanted: PodStatus): boolean => ownedSummary(pod.status) === ownedSummary(wanted);
