// The agent's view of the runtime, relisted as one unit (like upstream's PLEG): every relist lists sandboxes and
// containers once, fetches statuses only for containers that are new or changed state, and says which pods
// changed. Concurrent requests for a fresh view share one relist.
import { readFile } from "node:fs/promises";
import type { ContainerStatus, CriRuntime } from "../cri/types.ts";
import { TERMINATION_LOG, podUidOf } from "./labels.ts";
import { emptyRuntimePod, groupByPod } from "./runtime-pod.ts";
import type { RuntimePod } from "./runtime-pod.ts";

const MAX_TERMINATION_MESSAGE = 4096;

export class RuntimeCache {
  private readonly cri: CriRuntime;
  /** Told of the pods whose runtime state changed, after every relist, whoever asked for it. */
  private readonly onChange: (uids: Set<string>) => void;
  private statuses = new Map<string, ContainerStatus>();
  private pods = new Map<string, RuntimePod>();
  private sandboxStates = new Map<string, string>();
  /** When the newest completed relist started (performance.now()); 0 before the first. */
  private listedAt = 0;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(cri: CriRuntime, onChange: (uids: Set<string>) => void) {
    this.cri = cri;
    this.onChange = onChange;
  }

  /** The pod's runtime state from the latest relist (a copy: workers may edit it as they act). */
  pod(uid: string): RuntimePod {
    const p = this.pods.get(uid);
    if (!p) return emptyRuntimePod();
    return {
      sandboxes: p.sandboxes.map((s) => ({ ...s })),
      containers: new Map([...p.containers].map(([k, v]) => [k, v.map((c) => ({ ...c }))])),
    };
  }

  uids(): string[] {
    return [...this.pods.keys()];
  }

  /** Resolves once the view comes from a relist that started at or after `time` (performance.now()). */
  async listedSince(time: number): Promise<void> {
    if (this.listedAt >= time) return;
    await this.relist();
  }

  /** A relist that starts after this call. */
  relist(): Promise<void> {
    if (!this.running) {
      this.running = this.doRelist().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.relist();
    });
    return this.queued;
  }

  private async doRelist(): Promise<void> {
    const started = performance.now();
    const [sandboxes, containers] = await Promise.all([this.cri.listPodSandbox(), this.cri.listContainers()]);
    const changed = new Set<string>();
    const statuses = new Map<string, ContainerStatus>();
    await Promise.all(containers.map(async (c) => {
      const known = this.statuses.get(c.id);
      if (known && known.state === c.state) {
        statuses.set(c.id, known);
        return;
      }
      try {
        const st = await this.cri.containerStatus(c.id);
        if (st.state === "CONTAINER_EXITED") st.message ||= await terminationMessage(st);
        statuses.set(c.id, st);
        const uid = podUidOf(c);
        if (uid) changed.add(uid);
      } catch {
        // Removed between the listing and the status call: the next relist will not see it.
      }
    }));
    for (const [id, st] of this.statuses) if (!statuses.has(id)) changed.add(st.labels["io.kubernetes.pod.uid"] ?? "");
    const sandboxStates = new Map(sandboxes.map((s) => [s.id, s.state]));
    for (const s of sandboxes) if (this.sandboxStates.get(s.id) !== s.state) changed.add(podUidOf(s) ?? "");
    changed.delete("");
    this.statuses = statuses;
    this.sandboxStates = sandboxStates;
    this.pods = groupByPod(sandboxes, containers, statuses);
    this.listedAt = started;
    if (changed.size) this.onChange(changed);
  }
}

/** What the container wrote to its termination message file, as upstream reports it in the terminated state. */
async function terminationMessage(st: ContainerStatus): Promise<string> {
  const path = st.annotations[TERMINATION_LOG];
  if (!path) return "";
  try {
    return (await readFile(path, "utf8")).slice(0, MAX_TERMINATION_MESSAGE);
  } catch {
    return "";
  }
}
