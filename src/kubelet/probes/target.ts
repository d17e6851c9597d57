// What a probe or lifecycle hook acts on: one running container of a pod, reached through the runtime (exec) or
// over the pod network (httpGet, tcpSocket, grpc).
import type { Container } from "kubernetes-types/core/v1";
import type { CriRuntime } from "../cri/types.ts";

export interface ProbeTarget {
  /** The pod's IP: the default host of httpGet and tcpSocket, and the only host of grpc. */
  podIP?: string;
  containerId: string;
  cri: Pick<CriRuntime, "execSync">;
  /** The container's spec: named ports and the env that exec commands may reference as $(VAR). */
  container: Container;
}

export type ProbeOutcome = "success" | "failure";

export interface ProbeResult {
  result: ProbeOutcome;
  /** The command's output, the response body, or why it failed. */
  message: string;
}

/** A probe that could not be run at all (bad port, runtime error): upstream discards such a result. */
export class ProbeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProbeError";
  }
}

/** Upstream reads at most 10 KiB of a probe's output or response body. */
export const MAX_OUTPUT_BYTES = 10 * 1024;

/** The Kubernetes version the node agent reports in probe and hook User-Agents ("kube-probe/1.32"). */
export const KUBE_MAJOR_MINOR = "1.32";

/** Host:port as a dialer or URL wants it: IPv6 literals in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
