// What a pod worker needs from the rest of the agent, as narrow interfaces so each part can be tested alone.
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { EventRecorder } from "../../client/events.ts";
import type { CriRuntime, KeyValue, Mount } from "../cri/types.ts";
import type { RestartBackoff } from "./backoff.ts";
import type { SandboxSettings } from "./sandbox-config.ts";

export interface PodVolumes {
  setUp(pod: Pod): Promise<void>;
  /** Writes the files that need the pod's IP (the agent-managed /etc/hosts), once a sandbox has it. */
  setUpHosts(pod: Pod, podIP: string | undefined): Promise<void>;
  refresh(pod: Pod): Promise<void>;
  containerMounts(pod: Pod, container: Container): Mount[];
  tearDown(podUid: string): Promise<void>;
}

export interface ContainerEnv {
  /** The container's environment; throws with a user-facing message when a reference cannot be resolved. */
  resolve(pod: Pod, container: Container, podIP: string | undefined): Promise<KeyValue[]>;
  /** Expands $(VAR) references in `s` from `env`, as upstream does for command and args. */
  expand(s: string, env: KeyValue[]): string;
}

export type ProbeKind = "liveness" | "readiness" | "startup";

export interface ContainerProbes {
  add(pod: Pod, container: Container, containerId: string, podIP: string | undefined): void;
  remove(podUid: string, containerName: string): void;
  removePod(podUid: string): void;
  ready(podUid: string, containerName: string): boolean;
  started(podUid: string, containerName: string): boolean;
}

export interface Hooks {
  /** Runs a postStart or preStop handler; resolves with whether it succeeded and why not. */
  run(kind: "postStart" | "preStop", pod: Pod, container: Container, containerId: string, podIP: string | undefined, signal: AbortSignal): Promise<{ ok: boolean; message: string }>;
}

export interface ImagePuller {
  /** Makes the container's image present per its imagePullPolicy; throws an ImageError when it cannot. */
  ensure(pod: Pod, container: Container): Promise<void>;
}

export interface WorkerDeps {
  cri: CriRuntime;
  volumes: PodVolumes;
  env: ContainerEnv;
  probes: ContainerProbes;
  hooks: Hooks;
  images: ImagePuller;
  events: EventRecorder;
  backoff: RestartBackoff;
  sandbox: SandboxSettings;
  /** `<podsDir>/<uid>` holds the pod's volumes and termination message files. */
  podsDir: string;
  nodeMemoryBytes: number;
  hostIPs: string[];
  now(): number;
}
