// What the runtime holds for one pod: its sandboxes and, per container name, its container instances newest
// first. Built from one listing of the runtime, so every pod worker reads a consistent picture.
import type { Container as RuntimeContainer, ContainerStatus, PodSandbox } from "../cri/types.ts";
import { CONTAINER_KIND, RESTART_COUNT, containerNameOf, podUidOf } from "./labels.ts";

export interface ContainerInstance {
  id: string;
  name: string;
  restartCount: number;
  kind: "init" | "app";
  status: ContainerStatus;
}

export interface RuntimePod {
  /** Newest first. */
  sandboxes: PodSandbox[];
  /** Instances by container name, newest first. */
  containers: Map<string, ContainerInstance[]>;
}

export const emptyRuntimePod = (): RuntimePod => ({ sandboxes: [], containers: new Map() });

export const restartCountOf = (c: { annotations: Record<string, string> }): number => Number(c.annotations[RESTART_COUNT] ?? 0) || 0;

/** Groups a runtime listing by pod uid; the statuses are fetched for the containers given. */
export function groupByPod(sandboxes: PodSandbox[], containers: RuntimeContainer[], statuses: Map<string, ContainerStatus>): Map<string, RuntimePod> {
  const pods = new Map<string, RuntimePod>();
  const podOf = (uid: string) => {
    let p = pods.get(uid);
    if (!p) pods.set(uid, (p = emptyRuntimePod()));
    return p;
  };
  for (const s of [...sandboxes].sort((a, b) => b.createdAt - a.createdAt)) {
    const uid = podUidOf(s);
    if (uid) podOf(uid).sandboxes.push(s);
  }
  for (const c of containers) {
    const uid = podUidOf(c);
    const status = statuses.get(c.id);
    if (!uid || !status) continue;
    const name = containerNameOf(c);
    const list = podOf(uid).containers.get(name) ?? [];
    list.push({ id: c.id, name, restartCount: restartCountOf(c), kind: c.annotations[CONTAINER_KIND] === "init" ? "init" : "app", status });
    podOf(uid).containers.set(name, list);
  }
  for (const p of pods.values()) {
    for (const list of p.containers.values()) list.sort((a, b) => b.restartCount - a.restartCount || b.status.createdAt - a.status.createdAt);
  }
  return pods;
}
