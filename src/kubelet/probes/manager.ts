// Runs the liveness, readiness and startup probes of every running container on the node and tells the pod worker
// when a result changes. A container with a startup probe is not "started", and its liveness and readiness probes do
// not run, until that probe succeeds; a container with a readiness probe is not ready until it first succeeds. A
// liveness or startup failure is reported once and the probe then rests: the pod worker kills the container and
// adds the new one under its new id, which starts the probes afresh.
import type { Container, Pod, Probe } from "kubernetes-types/core/v1";
import type { CriRuntime } from "../cri/types.ts";
import { DEFAULT_PERIOD_SECONDS, ProbeWorker } from "./probe-worker.ts";
import type { ProbeKind } from "./probe-worker.ts";
import type { ProbeOutcome } from "./target.ts";
import { realTimers } from "./timers.ts";
import type { Timers } from "./timers.ts";

export type { ProbeKind };

export interface ProbeManagerOptions {
  cri: Pick<CriRuntime, "execSync">;
  /** A probe's reported result changed (readiness starts as failure, liveness as success, startup as neither). */
  onChange: (podUid: string, containerName: string, kind: ProbeKind, result: ProbeOutcome, message: string) => void;
  /** Every failed attempt and every attempt that could not run (`errored`): the "Unhealthy" events users see. */
  onProbeFailed?: (podUid: string, containerName: string, kind: ProbeKind, message: string, errored: boolean) => void;
  /** Milliseconds since the epoch; Date.now by default. */
  now?: () => number;
  timers?: Timers;
  /** In [0, 1): picks each probe's start jitter; Math.random by default. */
  random?: () => number;
}

interface ContainerProbes {
  containerId: string;
  started: boolean;
  ready: boolean;
  /** The last result reported through onChange, per probe; readiness starts as failure and liveness as success. */
  reported: Partial<Record<ProbeKind, ProbeOutcome>>;
  workers: Partial<Record<ProbeKind, ProbeWorker>>;
}

const KINDS = ["startup", "liveness", "readiness"] as const;
const PROBE_FIELD = { liveness: "livenessProbe", readiness: "readinessProbe", startup: "startupProbe" } as const;

export class ProbeManager {
  readonly #o: ProbeManagerOptions;
  readonly #now: () => number;
  readonly #timers: Timers;
  readonly #random: () => number;
  readonly #createdAt: number;
  readonly #pods = new Map<string, Map<string, ContainerProbes>>();

  constructor(o: ProbeManagerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#timers = o.timers ?? realTimers;
    this.#random = o.random ?? Math.random;
    this.#createdAt = this.#now();
  }

  /**
   * Starts probing a running container. Adding the same container id again changes nothing; a new id (the container
   * was restarted) drops the old probes and their results.
   */
  addContainer(pod: Pod, container: Container, containerId: string, podIP: string | undefined, startedAtMs: number): void {
    const podUid = pod.metadata!.uid!;
    const existing = this.#pods.get(podUid)?.get(container.name);
    if (existing?.containerId === containerId) return;
    if (existing) this.removeContainer(podUid, container.name);

    const state: ContainerProbes = {
      containerId,
      started: !container.startupProbe,
      ready: !container.readinessProbe,
      reported: { readiness: "failure", liveness: "success" },
      workers: {},
    };
    let containers = this.#pods.get(podUid);
    if (!containers) this.#pods.set(podUid, (containers = new Map()));
    containers.set(container.name, state);

    const target = { podIP, containerId, cri: this.#o.cri, container };
    for (const kind of KINDS) {
      const probe: Probe | undefined = container[PROBE_FIELD[kind]];
      if (!probe) continue;
      state.workers[kind] = new ProbeWorker({
        kind, probe, target, startedAtMs,
        jitterMs: this.#jitterMs(probe),
        now: this.#now,
        timers: this.#timers,
        mayProbe: () => kind === "startup" ? !state.started : state.started,
        onResult: (result, message) => this.#onResult(podUid, container.name, state, kind, result, message),
        onAttemptFailed: (message, errored) => this.#o.onProbeFailed?.(podUid, container.name, kind, message, errored),
      });
    }
  }

  removeContainer(podUid: string, containerName: string): void {
    const pod = this.#pods.get(podUid);
    const state = pod?.get(containerName);
    if (!state) return;
    for (const w of Object.values(state.workers)) w.stop();
    pod!.delete(containerName);
    if (pod!.size === 0) this.#pods.delete(podUid);
  }

  removePod(podUid: string): void {
    for (const name of [...(this.#pods.get(podUid)?.keys() ?? [])]) this.removeContainer(podUid, name);
  }

  /** Stops every probe. */
  stop(): void {
    for (const podUid of [...this.#pods.keys()]) this.removePod(podUid);
  }

  /** Ready as far as probes tell: no readiness probe, or its last reported result is success. False if unknown. */
  readiness(podUid: string, containerName: string): boolean {
    return this.#pods.get(podUid)?.get(containerName)?.ready ?? false;
  }

  /** Started: no startup probe, or it has succeeded. False if unknown. */
  started(podUid: string, containerName: string): boolean {
    return this.#pods.get(podUid)?.get(containerName)?.started ?? false;
  }

  /**
   * Spreads probes out only while the node agent has just started (all its containers are added at once then);
   * a container added later starts probing on time.
   */
  #jitterMs(probe: Probe): number {
    const periodMs = (probe.periodSeconds || DEFAULT_PERIOD_SECONDS) * 1000;
    return this.#now() - this.#createdAt < periodMs ? this.#random() * periodMs : 0;
  }

  #onResult(podUid: string, name: string, state: ContainerProbes, kind: ProbeKind, result: ProbeOutcome, message: string): void {
    if (kind === "startup" && result === "success") {
      state.started = true;
      state.workers.startup?.stop();
      state.workers.readiness?.trigger(); // no need to wait a period to become ready
    }
    if (kind === "readiness") state.ready = result === "success";
    if ((kind === "liveness" || kind === "startup") && result === "failure") {
      // The pod worker restarts the container; this probe has nothing more to tell about this one.
      state.workers[kind]?.stop();
    }
    if (state.reported[kind] === result) return;
    state.reported[kind] = result;
    this.#o.onChange(podUid, name, kind, result, message);
  }
}
