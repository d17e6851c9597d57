// The labels and annotations the agent puts on sandboxes and containers, so it can find its pods again in the
// runtime after its own restart without any state of its own.
import type { Container as RuntimeContainer, PodSandbox } from "../cri/types.ts";

export const POD_NAME = "io.kubernetes.pod.name";
export const POD_NAMESPACE = "io.kubernetes.pod.namespace";
export const POD_UID = "io.kubernetes.pod.uid";
export const CONTAINER_NAME = "io.kubernetes.container.name";
/** The container's restart count when it was created (annotation). */
export const RESTART_COUNT = "io.kubernetes.container.restartCount";
/** Which list the container belongs to: "init" or "app" (annotation). */
export const CONTAINER_KIND = "berth.dev/container-kind";
/** The container's termination message file on the host (annotation). */
export const TERMINATION_LOG = "berth.dev/termination-log";

export const podUidOf = (o: PodSandbox | RuntimeContainer): string | undefined => o.labels[POD_UID];
export const containerNameOf = (c: RuntimeContainer): string => c.labels[CONTAINER_NAME] ?? c.metadata.name;
