// One probe attempt with whichever handler the probe names, bounded by its timeoutSeconds (default 1).
import type { Probe } from "kubernetes-types/core/v1";
import { execProbe } from "./exec.ts";
import { grpcProbe } from "./grpc-probe.ts";
import { httpProbe } from "./http-probe.ts";
import { resolvePort } from "./port.ts";
import { ProbeError } from "./target.ts";
import type { ProbeResult, ProbeTarget } from "./target.ts";
import { tcpProbe } from "./tcp.ts";

export const DEFAULT_TIMEOUT_SECONDS = 1;

/**
 * Runs `probe` once against the container. Resolves with success or failure as the handler judged it; rejects with a
 * ProbeError when the probe could not be run (no handler, unknown named port, no pod IP, runtime error), a result
 * that upstream throws away rather than counting as a failure.
 */
export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutSeconds = probe.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS;
  const timeoutMs = timeoutSeconds * 1000;
  if (probe.exec) return execProbe(probe.exec.command ?? [], target, timeoutSeconds);
  if (probe.httpGet) return httpProbe(probe.httpGet, target, timeoutMs);
  if (probe.tcpSocket) {
    const host = probe.tcpSocket.host || target.podIP;
    if (!host) throw new ProbeError("no host to probe: the action names none and the pod has no IP yet");
    return tcpProbe(host, resolvePort(probe.tcpSocket.port, target.container), timeoutMs);
  }
  if (probe.grpc) {
    if (!target.podIP) throw new ProbeError("no host to probe: the pod has no IP yet");
    return grpcProbe(target.podIP, resolvePort(probe.grpc.port, target.container), probe.grpc.service ?? "", timeoutMs);
  }
  throw new ProbeError("the probe names no handler (exec, httpGet, tcpSocket or grpc)");
}
