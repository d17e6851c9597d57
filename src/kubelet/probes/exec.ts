// The exec handler: runs a command in the container through the runtime's ExecSync; exit status 0 succeeds.
import { status as grpcStatus } from "@grpc/grpc-js";
import { expandStaticEnv } from "./expand-env.ts";
import { MAX_OUTPUT_BYTES, ProbeError } from "./target.ts";
import type { ProbeResult, ProbeTarget } from "./target.ts";

/**
 * Runs `command` (its $(VAR)s expanded from the container's env) with the runtime enforcing `timeoutSeconds`
 * (0: none). The message is stdout then stderr, at most 10 KiB. A runtime error other than the deadline throws a
 * ProbeError: the command never ran, so there is no result to report.
 */
export async function execProbe(command: string[], target: ProbeTarget, timeoutSeconds: number): Promise<ProbeResult> {
  const cmd = expandStaticEnv(command, target.container.env);
  try {
    const r = await target.cri.execSync(target.containerId, cmd, timeoutSeconds);
    const output = Buffer.concat([r.stdout, r.stderr]).subarray(0, MAX_OUTPUT_BYTES).toString("utf8");
    return { result: r.exitCode === 0 ? "success" : "failure", message: output };
  } catch (err) {
    // CriRuntime rejects with the gRPC status code of the runtime's answer (CriError.code).
    if ((err as { code?: unknown }).code === grpcStatus.DEADLINE_EXCEEDED) {
      return { result: "failure", message: `command ${JSON.stringify(cmd)} timed out after ${timeoutSeconds}s` };
    }
    throw new ProbeError(`exec ${JSON.stringify(cmd)} in container ${target.containerId}: ${(err as Error).message}`, { cause: err });
  }
}
