// One pod's worker: brings the runtime in line with the pod (sandbox, then init containers in order, then app
// containers, restarted per restartPolicy with CrashLoopBackOff), kills it gracefully when it is deleted or
// ends, and computes the status to report. The pod manager serialises calls per pod and supplies a fresh runtime
// snapshot each time, so every decision is made on what the runtime holds now (level-triggered).
import { mkdir, writeFile } from "node:fs/promises";
import type { Container, Pod, PodStatus } from "kubernetes-types/core/v1";
import { logger } from "../../util/log.ts";
import type { PodSandboxConfig } from "../cri/types.ts";
import { containerConfig } from "./container-config.ts";
import type { ContainerKind } from "./container-config.ts";
import type { WorkerDeps } from "./deps.ts";
import { computePodStatus } from "./pod-status.ts";
import type { Waiting } from "./pod-status.ts";
import type { ContainerInstance, RuntimePod } from "./runtime-pod.ts";
import { sandboxConfig } from "./sandbox-config.ts";
import { removePodCgroups } from "./pod-cgroups.ts";

const log = logger("kubelet");

export interface SyncResult {
  status: PodStatus;
  /** When the worker wants to look again even if nothing changes (backoff expiry, deadlines, retries). */
  requeueAfterMs?: number;
}

const RETRY_MS = 5_000;
const DEFAULT_GRACE_S = 30;

export const gracePeriodSeconds = (pod: Pod): number =>
  pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_S;

const isTerminalPhase = (pod: Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class PodWorker {
  readonly uid: string;
  private readonly deps: WorkerDeps;
  private readonly waiting = new Map<string, Waiting>();
  private readonly livenessFailed = new Set<string>();
  private failure?: { reason: string; message: string };
  private podIPs: { sandboxId: string; ips: string[] } | undefined;
  private requeueAt = Infinity;

  constructor(uid: string, deps: WorkerDeps) {
    this.uid = uid;
    this.deps = deps;
  }

  /** A liveness (or startup) probe gave up on the container: the next sync restarts it. */
  livenessFailure(containerName: string): void {
    this.livenessFailed.add(containerName);
  }

  async sync(pod: Pod, runtime: RuntimePod): Promise<SyncResult> {
    this.requeueAt = Infinity;
    const now = this.deps.now();
    const deadline = pod.spec?.activeDeadlineSeconds;
    const started = pod.status?.startTime ? Date.parse(pod.status.startTime) : now;
    if (deadline !== undefined && !this.failure && now - started >= deadline * 1000) {
      this.failure = { reason: "DeadlineExceeded", message: `Pod was active on the node longer than the specified deadline` };
      this.deps.events.event(pod, "Normal", "DeadlineExceeded", this.failure.message);
    } else if (deadline !== undefined) this.wakeAt(started + deadline * 1000);

    if (this.failure || isTerminalPhase(pod)) {
      await this.stopAll(pod, runtime, gracePeriodSeconds(pod), false);
      return this.result(pod, runtime);
    }
    const sandbox = await this.ensureSandbox(pod, runtime);
    if (sandbox) {
      const initDone = await this.syncInitContainers(pod, runtime, sandbox);
      if (initDone) await this.syncAppContainers(pod, runtime, sandbox);
    }
    const result = this.result(pod, runtime);
    // A pod that just ended releases its sandbox (and so its IP) at once, as upstream does.
    if (result.status.phase === "Succeeded" || result.status.phase === "Failed") await this.stopAll(pod, runtime, 0, false);
    return result;
  }

  /** Kills the pod's containers (preStop, SIGTERM, then SIGKILL after the grace period) and removes them all. */
  async terminate(pod: Pod | undefined, runtime: RuntimePod, graceSeconds: number): Promise<void> {
    await this.stopAll(pod, runtime, graceSeconds, true);
    await removePodCgroups(this.uid);
    this.deps.probes.removePod(this.uid);
    this.deps.backoff.forgetPod(this.uid);
    await this.deps.volumes.tearDown(this.uid);
  }

  private result(pod: Pod, runtime: RuntimePod): SyncResult {
    const status = computePodStatus({
      pod,
      runtime,
      waiting: this.waiting,
      ready: (name) => this.deps.probes.ready(this.uid, name),
      started: (name) => this.deps.probes.started(this.uid, name),
      podIPs: runtime.sandboxes[0]?.state === "SANDBOX_READY" && this.podIPs?.sandboxId === runtime.sandboxes[0].id ? this.podIPs.ips : (pod.status?.podIPs ?? []).map((p) => p.ip!),
      hostIPs: this.deps.hostIPs,
      ...(this.failure ? { failure: this.failure } : {}),
      now: new Date(this.deps.now()),
    });
    const wait = this.requeueAt - this.deps.now();
    return { status, ...(Number.isFinite(wait) ? { requeueAfterMs: Math.max(wait, 0) } : {}) };
  }

  private wakeAt(ms: number): void {
    this.requeueAt = Math.min(this.requeueAt, ms);
  }

  private async ensureSandbox(pod: Pod, runtime: RuntimePod): Promise<{ id: string; config: PodSandboxConfig } | undefined> {
    const latest = runtime.sandboxes[0];
    if (latest?.state === "SANDBOX_READY") {
      // ConfigMap, Secret, downward API and token contents follow their sources while the pod runs.
      await this.deps.volumes.refresh(pod).catch((err) => log.warn({ err: errorMessage(err), pod: pod.metadata!.name }, "refreshing volumes failed"));
      const config = sandboxConfig(pod, latest.metadata.attempt, this.deps.sandbox);
      if (this.podIPs?.sandboxId !== latest.id) {
        const st = await this.deps.cri.podSandboxStatus(latest.id);
        const ips = st.network?.ip ? [st.network.ip, ...(st.network.additionalIps ?? []).map((a) => a.ip)] : [];
        this.podIPs = { sandboxId: latest.id, ips };
        await this.deps.volumes.setUpHosts(pod, ips[0]);
      }
      return { id: latest.id, config };
    }
    // A new sandbox means a fresh start for every container in it: stop what the dead one left.
    if (latest) await this.stopAll(pod, runtime, 0, true);
    try {
      await this.deps.volumes.setUp(pod);
    } catch (err) {
      this.deps.events.event(pod, "Warning", "FailedMount", `MountVolume.SetUp failed: ${errorMessage(err)}`);
      this.wakeAt(this.deps.now() + RETRY_MS);
      return undefined;
    }
    const attempt = latest ? latest.metadata.attempt + 1 : 0;
    const config = sandboxConfig(pod, attempt, this.deps.sandbox);
    await mkdir(config.logDirectory!, { recursive: true });
    try {
      const id = await this.deps.cri.runPodSandbox(config);
      const st = await this.deps.cri.podSandboxStatus(id);
      this.podIPs = { sandboxId: id, ips: st.network?.ip ? [st.network.ip] : [] };
      await this.deps.volumes.setUpHosts(pod, this.podIPs.ips[0]);
      runtime.sandboxes.unshift(st);
      runtime.containers.clear();
      return { id, config };
    } catch (err) {
      this.deps.events.event(pod, "Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: ${errorMessage(err)}`);
      this.wakeAt(this.deps.now() + RETRY_MS);
      return undefined;
    }
  }

  /** Runs init containers one at a time, in order; true once all have succeeded. */
  private async syncInitContainers(pod: Pod, runtime: RuntimePod, sandbox: { id: string; config: PodSandboxConfig }): Promise<boolean> {
    const policy = pod.spec!.restartPolicy ?? "Always";
    for (const c of pod.spec!.initContainers ?? []) {
      const latest = runtime.containers.get(c.name)?.[0];
      if (!latest) {
        await this.start(pod, c, "init", 0, sandbox, runtime);
        return false;
      }
      const state = latest.status.state;
      if (state === "CONTAINER_RUNNING") return false;
      if (state === "CONTAINER_EXITED" && latest.status.exitCode === 0) continue;
      if (state === "CONTAINER_EXITED" && policy === "Never") return false; // the pod fails: phase says so
      await this.restart(pod, c, "init", latest, sandbox, runtime);
      return false;
    }
    return true;
  }

  private async syncAppContainers(pod: Pod, runtime: RuntimePod, sandbox: { id: string; config: PodSandboxConfig }): Promise<void> {
    const policy = pod.spec!.restartPolicy ?? "Always";
    await Promise.all(pod.spec!.containers.map(async (c) => {
      const latest = runtime.containers.get(c.name)?.[0];
      if (!latest) return this.start(pod, c, "app", 0, sandbox, runtime);
      if (latest.status.state === "CONTAINER_RUNNING") {
        if (!this.livenessFailed.has(c.name)) return;
        this.livenessFailed.delete(c.name);
        this.deps.events.event(pod, "Normal", "Killing", `Container ${c.name} failed liveness probe, will be restarted`);
        await this.killContainer(pod, c, latest, pod.spec!.terminationGracePeriodSeconds ?? DEFAULT_GRACE_S);
        latest.status = await this.deps.cri.containerStatus(latest.id);
      }
      if (latest.status.state === "CONTAINER_CREATED" || latest.status.state === "CONTAINER_UNKNOWN") {
        await this.deps.cri.removeContainer(latest.id).catch(() => undefined);
        return this.start(pod, c, "app", latest.restartCount + 1, sandbox, runtime);
      }
      const restart = policy === "Always" || (policy === "OnFailure" && latest.status.exitCode !== 0);
      if (restart) await this.restart(pod, c, "app", latest, sandbox, runtime);
    }));
  }

  /** Restarts an exited container unless it is backing off, in which case it waits as CrashLoopBackOff. */
  private async restart(pod: Pod, c: Container, kind: ContainerKind, latest: ContainerInstance, sandbox: { id: string; config: PodSandboxConfig }, runtime: RuntimePod): Promise<void> {
    const key = `${this.uid}/${c.name}`;
    const now = this.deps.now();
    const until = this.deps.backoff.waitUntil(key, now);
    if (until > now) {
      const seconds = Math.round(this.deps.backoff.currentDelayMs(key) / 1000);
      this.waiting.set(c.name, { reason: "CrashLoopBackOff", message: `back-off ${seconds}s restarting failed container=${c.name} pod=${pod.metadata!.name}_${pod.metadata!.namespace}(${this.uid})` });
      this.deps.events.event(pod, "Warning", "BackOff", "Back-off restarting failed container");
      this.wakeAt(until);
      return;
    }
    this.deps.backoff.restarted(key, now);
    await this.start(pod, c, kind, latest.restartCount + 1, sandbox, runtime);
    // The old instance's logs stay for `kubectl logs --previous`; anything older goes.
    for (const old of runtime.containers.get(c.name)?.slice(2) ?? []) await this.deps.cri.removeContainer(old.id).catch(() => undefined);
  }

  private async start(pod: Pod, c: Container, kind: ContainerKind, restartCount: number, sandbox: { id: string; config: PodSandboxConfig }, runtime: RuntimePod): Promise<void> {
    const fail = (reason: string, message: string, eventMessage = `Error: ${message}`) => {
      this.waiting.set(c.name, { reason, message });
      this.deps.events.event(pod, "Warning", "Failed", eventMessage);
      this.wakeAt(this.deps.now() + RETRY_MS);
    };
    try {
      await this.deps.images.ensure(pod, c);
    } catch (err) {
      const reason = (err as { reason?: string }).reason ?? "ErrImagePull";
      this.waiting.set(c.name, { reason, message: errorMessage(err) });
      this.wakeAt(this.deps.now() + RETRY_MS);
      return;
    }
    const podIP = this.podIPs?.ips[0];
    let env;
    try {
      env = await this.deps.env.resolve(pod, c, podIP);
    } catch (err) {
      return fail("CreateContainerConfigError", errorMessage(err));
    }
    const dir = `${this.deps.podsDir}/${this.uid}/containers/${c.name}`;
    const terminationLogPath = `${dir}/${restartCount}-termination-log`;
    let id: string;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(terminationLogPath, "");
      const config = containerConfig(pod, c, {
        kind,
        restartCount,
        env,
        mounts: this.deps.volumes.containerMounts(pod, c),
        expand: (s) => this.deps.env.expand(s, env),
        terminationLogPath,
        nodeMemoryBytes: this.deps.nodeMemoryBytes,
      });
      id = await this.deps.cri.createContainer(sandbox.id, config, sandbox.config);
    } catch (err) {
      return fail("CreateContainerError", errorMessage(err));
    }
    this.deps.events.event(pod, "Normal", "Created", `Created container ${c.name}`);
    try {
      await this.deps.cri.startContainer(id);
    } catch (err) {
      await this.deps.cri.removeContainer(id).catch(() => undefined);
      return fail("RunContainerError", errorMessage(err));
    }
    this.waiting.delete(c.name);
    this.deps.events.event(pod, "Normal", "Started", `Started container ${c.name}`);
    const status = await this.deps.cri.containerStatus(id);
    const list = runtime.containers.get(c.name) ?? [];
    list.unshift({ id, name: c.name, restartCount, kind, status });
    runtime.containers.set(c.name, list);
    if (kind === "app") this.deps.probes.add(pod, c, id, podIP);
    if (c.lifecycle?.postStart && status.state === "CONTAINER_RUNNING") {
      const hook = await this.deps.hooks.run("postStart", pod, c, id, podIP, AbortSignal.timeout(gracePeriodSeconds(pod) * 1000));
      if (!hook.ok) {
        this.deps.events.event(pod, "Warning", "FailedPostStartHook", hook.message);
        await this.deps.cri.stopContainer(id, gracePeriodSeconds(pod)).catch(() => undefined);
        list[0].status = await this.deps.cri.containerStatus(id);
      }
    }
  }

  private async killContainer(pod: Pod | undefined, c: Container | undefined, inst: ContainerInstance, graceSeconds: number): Promise<void> {
    const deadline = this.deps.now() + graceSeconds * 1000;
    if (pod && c?.lifecycle?.preStop && graceSeconds > 0) {
      const hook = await this.deps.hooks.run("preStop", pod, c, inst.id, this.podIPs?.ips[0], AbortSignal.timeout(graceSeconds * 1000));
      if (!hook.ok) this.deps.events.event(pod, "Warning", "FailedPreStopHook", hook.message);
    }
    const remaining = Math.max(Math.ceil((deadline - this.deps.now()) / 1000), graceSeconds > 0 ? 2 : 0);
    await this.deps.cri.stopContainer(inst.id, remaining).catch((err) => log.warn({ err: errorMessage(err), container: inst.id }, "stopping a container failed"));
  }

  /** Stops every container and the sandbox; `remove` also deletes them (pod deleted, or a sandbox replaced). */
  private async stopAll(pod: Pod | undefined, runtime: RuntimePod, graceSeconds: number, remove: boolean): Promise<void> {
    const spec = (name: string) => [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])].find((c) => c.name === name);
    const running = [...runtime.containers.values()].flat().filter((i) => i.status.state === "CONTAINER_RUNNING" || i.status.state === "CONTAINER_CREATED");
    await Promise.all(running.map(async (inst) => {
      if (pod && inst.status.state === "CONTAINER_RUNNING") this.deps.events.event(pod, "Normal", "Killing", `Stopping container ${inst.name}`);
      this.deps.probes.remove(this.uid, inst.name);
      await this.killContainer(pod, spec(inst.name), inst, graceSeconds);
    }));
    for (const s of runtime.sandboxes) {
      if (s.state === "SANDBOX_READY") await this.deps.cri.stopPodSandbox(s.id).catch((err) => log.warn({ err: errorMessage(err), sandbox: s.id }, "stopping a sandbox failed"));
    }
    if (!remove) {
      // Refresh what was stopped so the status reports it.
      for (const inst of running) inst.status = await this.deps.cri.containerStatus(inst.id).catch(() => inst.status);
      for (const s of runtime.sandboxes) s.state = "SANDBOX_NOTREADY";
      return;
    }
    for (const inst of [...runtime.containers.values()].flat()) await this.deps.cri.removeContainer(inst.id).catch(() => undefined);
    for (const s of runtime.sandboxes) await this.deps.cri.removePodSandbox(s.id).catch((err) => log.warn({ err: errorMessage(err), sandbox: s.id }, "removing a sandbox failed"));
    runtime.containers.clear();
    runtime.sandboxes.length = 0;
  }
}
