// The node conditions the agent owns, with upstream's reasons and messages. Heartbeat times are the time of the
// report; a condition keeps its lastTransitionTime while its status stays what it was.
import type { NodeCondition } from "kubernetes-types/core/v1";
import type { Pressure } from "./eviction.ts";

export interface RuntimeState {
  /** e.g. "containerd://1.6.20" */
  version: string;
  /** CRI status(): RuntimeReady */
  runtimeReady: boolean;
  /** CRI status(): NetworkReady */
  networkReady: boolean;
  /** Why the runtime or its network is not ready, as the runtime said. */
  message?: string;
}

type Owned = Pick<NodeCondition, "type" | "status" | "reason" | "message">;

function pressureCondition(type: string, under: boolean, yes: [string, string], no: [string, string]): Owned {
  const [reason, message] = under ? yes : no;
  return { type, status: under ? "True" : "False", reason, message };
}

/**
 * Ready follows the runtime and its network only: as upstream, pressure does not make a node NotReady (the
 * pressure conditions keep new pods away through their taints and the scheduler).
 */
function readyCondition(rt: RuntimeState): Owned {
  const problems = [
    ...(rt.runtimeReady ? [] : ["container runtime is down"]),
    ...(rt.networkReady ? [] : ["container runtime network not ready"]),
  ];
  if (!problems.length) return { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" };
  const message = problems.join(", ") + (rt.message ? `: ${rt.message}` : "");
  return { type: "Ready", status: "False", reason: "KubeletNotReady", message };
}

export function nodeConditions(pressure: Pressure, runtime: RuntimeState, previous: NodeCondition[] | undefined, now: string): NodeCondition[] {
  const owned: Owned[] = [
    pressureCondition("MemoryPressure", pressure.memory,
      ["KubeletHasInsufficientMemory", "kubelet has insufficient memory available"], ["KubeletHasSufficientMemory", "kubelet has sufficient memory available"]),
    pressureCondition("DiskPressure", pressure.disk,
      ["KubeletHasDiskPressure", "kubelet has disk pressure"], ["KubeletHasNoDiskPressure", "kubelet has no disk pressure"]),
    pressureCondition("PIDPressure", pressure.pid,
      ["KubeletHasInsufficientPID", "kubelet has insufficient PID available"], ["KubeletHasSufficientPID", "kubelet has sufficient PID available"]),
    readyCondition(runtime),
  ];
  return owned.map((c) => {
    const prev = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = prev?.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    return { ...c, lastHeartbeatTime: now, lastTransitionTime };
  });
}
