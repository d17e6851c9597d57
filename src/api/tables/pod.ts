// `kubectl get pods`: upstream's pod printer. STATUS is the pod's phase overridden, in order, by its reason,
// a scheduling gate, the first init container that has not finished, then the last container with a waiting
// or terminated reason; deletion turns it into Terminating (or Unknown for pods lost with their node).
import type { Container, ContainerStatus, Pod } from "kubernetes-types/core/v1";
import type { TableDef } from "../scheme.ts";
import { age, column, nameColumn, ageColumn } from "./format.ts";
import { since } from "./duration.ts";

const isRestartable = (c: Container | undefined): boolean => c?.restartPolicy === "Always";

const finishedAt = (s: ContainerStatus): number | undefined => {
  const at = s.lastState?.terminated?.finishedAt;
  return at ? Date.parse(at) : undefined;
};

const conditionTrue = (pod: Pod, type: string): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === "True");

interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

function summarize(pod: Pod, now: Date): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const initSpecs = new Map((spec?.initContainers ?? []).map((c) => [c.name, c]));
  let total = spec?.containers?.length ?? 0;
  for (const c of initSpecs.values()) if (isRestartable(c)) total++;
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let sidecarRestarts = 0;
  let lastSidecarRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined) => (b !== undefined && (a === undefined || b > a) ? b : a);

  const phase = status.phase ?? "";
  let reason = status.reason || phase;
  if ((status.conditions ?? []).some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) reason = "SchedulingGated";

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const restartable = isRestartable(initSpecs.get(c.name));
    restarts += c.restartCount ?? 0;
    lastRestart = later(lastRestart, finishedAt(c));
    if (restartable) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, finishedAt(c));
    }
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (term) {
      if (term.reason) reason = `Init:${term.reason}`;
      else reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, "Initialized")) {
    // Only sidecar restarts count once the pod is initialized; ordinary init containers are history.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = later(lastRestart, finishedAt(c));
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) reason = conditionTrue(pod, "Ready") ? "Running" : "NotReady";
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === "NodeLost") reason = "Unknown";
    else if (phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";
  }

  const restartsCell = restarts !== 0 && lastRestart !== undefined
    ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`
    : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const conditions = pod.status?.conditions ?? [];
  const passing = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === "True").length;
  return `${passing}/${gates.length}`;
}

export const podTable: TableDef = {
  columns: [
    nameColumn,
    column("Ready", "string", "Ready containers out of all containers (restartable init containers included)."),
    column("Status", "string", "The pod's phase, or the reason a container or init container gives for not running."),
    column("Restarts", "string", "Container restarts in total, with the time since the latest one."),
    ageColumn,
    column("IP", "string", "The first IP address allocated to the pod.", 1),
    column("Node", "string", "The node the pod is bound to.", 1),
    column("Nominated Node", "string", "The node preemption made room for, while the pod waits to be scheduled there.", 1),
    column("Readiness Gates", "string", "Readiness gates that are true, of those the pod declares.", 1),
  ],
  cells(pod: Pod, now: Date) {
    const s = summarize(pod, now);
    return [
      pod.metadata?.name ?? "",
      s.ready,
      s.status,
      s.restarts,
      age(pod.metadata, now),
      // The v1 podIP is folded into podIPs on conversion upstream, so either names the first IP.
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || "<none>",
      pod.spec?.nodeName || "<none>",
      pod.status?.nominatedNodeName || "<none>",
      readinessGates(pod),
    ];
  },
};
