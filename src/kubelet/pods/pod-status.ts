// The pod status the agent reports: container statuses from the runtime and the worker's waiting reasons, the
// phase as upstream derives it, and the conditions with transition times kept while their status holds.
import type { Container, ContainerState, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1";
import { metaTime } from "../../util/time.ts";
import type { ContainerInstance, RuntimePod } from "./runtime-pod.ts";
import { qosClass } from "./qos.ts";

export interface Waiting { reason: string; message?: string }

export interface StatusInputs {
  pod: Pod;
  runtime: RuntimePod;
  /** Why a container is waiting, when the worker knows better than the runtime (backoff, pull or config errors). */
  waiting: Map<string, Waiting>;
  ready(containerName: string): boolean;
  started(containerName: string): boolean;
  podIPs: string[];
  hostIPs: string[];
  /** Set when the pod must end Failed regardless of its containers (e.g. DeadlineExceeded). */
  failure?: { reason: string; message: string };
  now: Date;
}

const nsToTime = (ns: number): string => metaTime(new Date(Math.floor(ns / 1e6)));
const runtimeId = (id: string) => `containerd://${id}`;

function terminated(c: ContainerInstance): ContainerState {
  const s = c.status;
  return {
    terminated: {
      exitCode: s.exitCode,
      reason: s.reason || (s.exitCode === 0 ? "Completed" : "Error"),
      ...(s.message ? { message: s.message } : {}),
      ...(s.startedAt ? { startedAt: nsToTime(s.startedAt) } : {}),
      finishedAt: nsToTime(s.finishedAt || s.createdAt),
      containerID: runtimeId(c.id),
    },
  };
}

function containerStatus(spec: Container, instances: ContainerInstance[] | undefined, waiting: Waiting | undefined, inputs: StatusInputs, defaultWaiting: string): ApiContainerStatus {
  const latest = instances?.[0];
  const previous = instances?.[1];
  const base = { name: spec.name, image: spec.image!, imageID: latest?.status.imageRef ?? "", ...(latest ? { containerID: runtimeId(latest.id) } : {}) };
  if (!latest) {
    return { ...base, state: { waiting: { reason: waiting?.reason ?? defaultWaiting, ...(waiting?.message ? { message: waiting.message } : {}) } }, lastState: {}, ready: false, restartCount: 0, started: false };
  }
  const running = latest.status.state === "CONTAINER_RUNNING";
  const exited = latest.status.state === "CONTAINER_EXITED";
  let state: ContainerState;
  let lastState: ContainerState = previous && previous.status.state === "CONTAINER_EXITED" ? terminated(previous) : {};
  if (running) state = { running: { startedAt: nsToTime(latest.status.startedAt) } };
  else if (exited && waiting) {
    // Waiting to be restarted: what it did last is its last state, as kubectl shows for CrashLoopBackOff.
    state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
    lastState = terminated(latest);
  } else if (exited) state = terminated(latest);
  else state = { waiting: { reason: waiting?.reason ?? "ContainerCreating", ...(waiting?.message ? { message: waiting.message } : {}) } };
  return {
    ...base,
    state,
    lastState,
    ready: running && inputs.ready(spec.name),
    restartCount: latest.restartCount,
    started: running && inputs.started(spec.name),
  };
}

interface PhaseCounts { running: number; waiting: number; stopped: number; succeeded: number }

function countStates(statuses: ApiContainerStatus[]): PhaseCounts {
  const n: PhaseCounts = { running: 0, waiting: 0, stopped: 0, succeeded: 0 };
  for (const s of statuses) {
    if (s.state?.running) n.running++;
    else if (s.state?.terminated) {
      n.stopped++;
      if (s.state.terminated.exitCode === 0) n.succeeded++;
    } else if (s.lastState?.terminated) n.stopped++;
    else n.waiting++;
  }
  return n;
}

const initDone = (s: ApiContainerStatus) => s.state?.terminated?.exitCode === 0;

function phase(pod: Pod, init: ApiContainerStatus[], app: ApiContainerStatus[]): PodStatus["phase"] {
  const policy = pod.spec?.restartPolicy ?? "Always";
  if (!init.every(initDone)) {
    const failed = init.some((s) => (s.state?.terminated && s.state.terminated.exitCode !== 0) || (s.lastState?.terminated && !s.state?.running));
    return failed && policy === "Never" ? "Failed" : "Pending";
  }
  const n = countStates(app);
  if (n.waiting > 0) return "Pending";
  if (n.running > 0) return "Running";
  if (n.stopped > 0) {
    if (policy === "Always") return "Running";
    if (n.stopped === n.succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

function condition(old: PodCondition[] | undefined, type: string, ok: boolean, now: string, reason?: string, message?: string): PodCondition {
  const status = ok ? "True" : "False";
  const prev = old?.find((c) => c.type === type);
  return {
    type,
    status,
    lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    ...(!ok && reason ? { reason } : {}),
    ...(!ok && message ? { message } : {}),
  };
}

const names = (list: ApiContainerStatus[]) => `[${list.map((s) => s.name).join(" ")}]`;

export function computePodStatus(inputs: StatusInputs): PodStatus {
  const { pod, runtime, now } = inputs;
  const old = pod.status ?? {};
  const spec = pod.spec!;
  const init = (spec.initContainers ?? []).map((c) => containerStatus(c, runtime.containers.get(c.name), inputs.waiting.get(c.name), inputs, "PodInitializing"));
  const initialized = init.every(initDone);
  const app = spec.containers.map((c) => containerStatus(c, runtime.containers.get(c.name), inputs.waiting.get(c.name), inputs, initialized ? "ContainerCreating" : "PodInitializing"));
  const podPhase = inputs.failure ? "Failed" : phase(pod, init, app);
  const terminal = podPhase === "Succeeded" || podPhase === "Failed";
  const t = metaTime(now);
  const sandboxReady = runtime.sandboxes[0]?.state === "SANDBOX_READY";
  const notReady = app.filter((s) => !s.ready);
  const incompleteInit = init.filter((s) => !initDone(s));
  const containersReady = !terminal && notReady.length === 0;
  const readyReason = terminal ? "PodCompleted" : "ContainersNotReady";
  const readyMessage = terminal ? undefined : `containers with unready status: ${names(notReady)}`;
  const scheduled = old.conditions?.find((c) => c.type === "PodScheduled");
  const conditions: PodCondition[] = [
    condition(old.conditions, "PodReadyToStartContainers", sandboxReady, t),
    condition(old.conditions, "Initialized", initialized, t, "ContainersNotInitialized", `containers with incomplete status: ${names(incompleteInit)}`),
    condition(old.conditions, "Ready", containersReady, t, readyReason, readyMessage),
    condition(old.conditions, "ContainersReady", containersReady, t, readyReason, readyMessage),
    ...(scheduled ? [scheduled] : []),
  ];
  return {
    ...old,
    phase: podPhase,
    conditions,
    ...(inputs.failure ? { reason: inputs.failure.reason, message: inputs.failure.message } : {}),
    hostIP: inputs.hostIPs[0],
    hostIPs: inputs.hostIPs.map((ip) => ({ ip })),
    ...(inputs.podIPs.length ? { podIP: inputs.podIPs[0], podIPs: inputs.podIPs.map((ip) => ({ ip })) } : {}),
    startTime: old.startTime ?? t,
    ...(init.length ? { initContainerStatuses: init } : {}),
    containerStatuses: app,
    qosClass: qosClass(pod),
  };
}
