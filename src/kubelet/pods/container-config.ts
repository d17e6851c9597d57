// The CRI container configuration for one container of a pod: command and args (with $(VAR) expanded from its
// environment), env, mounts, log path, resources as cgroup settings, and the security context basics.
import type { Container, Pod } from "kubernetes-types/core/v1";
import { parseQuantity } from "../../api/validation/quantity.ts";
import type { ContainerConfig, KeyValue, LinuxContainerResources, LinuxContainerSecurityContext, Mount } from "../cri/types.ts";
import { CONTAINER_KIND, CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID, RESTART_COUNT, TERMINATION_LOG } from "./labels.ts";
import { qosClass } from "./qos.ts";

export type ContainerKind = "init" | "app";

export interface ContainerInputs {
  kind: ContainerKind;
  restartCount: number;
  env: KeyValue[];
  mounts: Mount[];
  /** Expands $(VAR) references in command and args from the container's environment. */
  expand(s: string): string;
  /** The host file mounted at terminationMessagePath. */
  terminationLogPath: string;
  /** The node's memory capacity, for the Burstable OOM score. */
  nodeMemoryBytes: number;
}

const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const bytes = (q: unknown): number | undefined => q === undefined ? undefined : Number(parseQuantity(q as string)!.nanos / 1_000_000_000n);
const millis = (q: unknown): number | undefined => q === undefined ? undefined : Number(parseQuantity(q as string)!.nanos / 1_000_000n);

/** OOM score adjustment by QoS, as upstream ranks victims: BestEffort first, Guaranteed last. */
function oomScoreAdj(pod: Pod, c: Container, nodeMemoryBytes: number): number {
  const qos = qosClass(pod);
  if (qos === "Guaranteed") return -997;
  if (qos === "BestEffort") return 1000;
  const request = bytes(c.resources?.requests?.memory) ?? 0;
  const adj = 1000 - Math.floor((1000 * request) / Math.max(nodeMemoryBytes, 1));
  return Math.min(Math.max(adj, 3), 999);
}

export function containerResources(pod: Pod, c: Container, nodeMemoryBytes: number): LinuxContainerResources {
  const requestCpu = millis(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  const limitCpu = millis(c.resources?.limits?.cpu);
  const limitMemory = bytes(c.resources?.limits?.memory);
  return {
    cpuShares: Math.max(Math.floor(((requestCpu ?? 0) * 1024) / 1000), MIN_SHARES),
    ...(limitCpu ? { cpuPeriod: CPU_PERIOD_US, cpuQuota: Math.max(Math.floor((limitCpu * CPU_PERIOD_US) / 1000), 1000) } : {}),
    ...(limitMemory ? { memoryLimitInBytes: limitMemory } : {}),
    oomScoreAdj: oomScoreAdj(pod, c, nodeMemoryBytes),
  };
}

function securityContext(pod: Pod, c: Container): LinuxContainerSecurityContext {
  const podSc = pod.spec?.securityContext;
  const sc = c.securityContext;
  const runAsUser = sc?.runAsUser ?? podSc?.runAsUser;
  const runAsGroup = sc?.runAsGroup ?? podSc?.runAsGroup;
  const spec = pod.spec!;
  return {
    namespaceOptions: {
      network: spec.hostNetwork ? "NODE" : "POD",
      pid: spec.hostPID ? "NODE" : spec.shareProcessNamespace ? "POD" : "CONTAINER",
      ipc: spec.hostIPC ? "NODE" : "POD",
    },
    ...(runAsUser !== undefined ? { runAsUser: { value: runAsUser } } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup: { value: runAsGroup } } : {}),
    ...(podSc?.supplementalGroups ? { supplementalGroups: podSc.supplementalGroups } : {}),
    readonlyRootfs: sc?.readOnlyRootFilesystem ?? false,
    privileged: sc?.privileged ?? false,
    noNewPrivs: sc?.allowPrivilegeEscalation === false,
    ...(sc?.capabilities ? { capabilities: { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] } } : {}),
  };
}

export function containerConfig(pod: Pod, c: Container, inputs: ContainerInputs): ContainerConfig {
  const meta = pod.metadata!;
  const terminationMount: Mount = { containerPath: c.terminationMessagePath ?? "/dev/termination-log", hostPath: inputs.terminationLogPath };
  return {
    metadata: { name: c.name, attempt: inputs.restartCount },
    image: { image: c.image! },
    ...(c.command ? { command: c.command.map(inputs.expand) } : {}),
    ...(c.args ? { args: c.args.map(inputs.expand) } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    envs: inputs.env,
    mounts: [...inputs.mounts, terminationMount],
    labels: { [POD_NAME]: meta.name!, [POD_NAMESPACE]: meta.namespace!, [POD_UID]: meta.uid!, [CONTAINER_NAME]: c.name },
    annotations: { [RESTART_COUNT]: String(inputs.restartCount), [CONTAINER_KIND]: inputs.kind, [TERMINATION_LOG]: inputs.terminationLogPath },
    logPath: `${c.name}/${inputs.restartCount}.log`,
    stdin: c.stdin ?? false,
    stdinOnce: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: { resources: containerResources(pod, c, inputs.nodeMemoryBytes), securityContext: securityContext(pod, c) },
  };
}
