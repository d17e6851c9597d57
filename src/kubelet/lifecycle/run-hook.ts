// postStart and preStop hooks: exec, httpGet or sleep, run once. The pod worker kills a container whose postStart
// hook fails, and bounds preStop by the grace period through `signal`: when it aborts the hook is abandoned (an exec
// may still run in the container until the container is stopped).
import type { LifecycleHandler } from "kubernetes-types/core/v1";
import { sleep } from "../../util/sleep.ts";
import { expandStaticEnv } from "../probes/expand-env.ts";
import { httpGetRequest, sendHttpGet } from "../probes/http-get.ts";
import type { HttpGetRequest } from "../probes/http-get.ts";
import { MAX_OUTPUT_BYTES } from "../probes/target.ts";
import type { ProbeTarget } from "../probes/target.ts";

export interface HookResult {
  ok: boolean;
  /** The command's output, or why the hook failed. */
  message: string;
}

/** Runs the hook to its end (or until `signal` aborts, which fails it). Never rejects. */
export async function runHook(handler: LifecycleHandler, target: ProbeTarget, signal?: AbortSignal): Promise<HookResult> {
  if (signal?.aborted) return aborted();
  try {
    if (handler.exec) return await untilAborted(execHook(handler.exec.command ?? [], target), signal);
    if (handler.httpGet) return await httpHook(httpGetRequest(handler.httpGet, target, "lifecycle"), signal);
    if (handler.sleep) return await sleepHook(handler.sleep.seconds, signal);
    // tcpSocket is accepted by the API only for old objects; no kubelet runs it as a hook.
    return { ok: false, message: "cannot run the hook: it names no exec, httpGet or sleep handler" };
  } catch (err) {
    if (signal?.aborted) return aborted();
    return { ok: false, message: (err as Error).message };
  }
}

const aborted = (): HookResult => ({ ok: false, message: "the container was stopped before its hook finished" });

/** The command has no deadline of its own, as upstream: preStop is bounded by the caller's signal. */
async function execHook(command: string[], target: ProbeTarget): Promise<HookResult> {
  const cmd = expandStaticEnv(command, target.container.env);
  const r = await target.cri.execSync(target.containerId, cmd, 0);
  const output = Buffer.concat([r.stdout, r.stderr]).subarray(0, MAX_OUTPUT_BYTES).toString("utf8");
  if (r.exitCode === 0) return { ok: true, message: output };
  return { ok: false, message: `command ${JSON.stringify(cmd)} exited with ${r.exitCode}: ${output}` };
}

/**
 * Any HTTP answer, whatever its status, completes the hook (only a failed exchange fails it), as upstream. An HTTPS
 * hook whose TLS handshake breaks on the server's reply (a plain HTTP server) is retried over HTTP, as upstream does.
 */
async function httpHook(req: HttpGetRequest, signal: AbortSignal | undefined): Promise<HookResult> {
  try {
    await sendHttpGet(req, { signal, redirects: "any" });
  } catch (err) {
    if (req.url.protocol !== "https:" || ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code !== "EPROTO") throw err;
    const url = new URL(req.url);
    url.protocol = "http:";
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.toLowerCase() !== "authorization"));
    await sendHttpGet({ url, headers }, { signal, redirects: "any" });
  }
  return { ok: true, message: "" };
}

async function sleepHook(seconds: number, signal: AbortSignal | undefined): Promise<HookResult> {
  await sleep(seconds * 1000, signal);
  return signal?.aborted ? aborted() : { ok: true, message: "" };
}

/** `work`'s result, or a failure as soon as `signal` aborts. */
function untilAborted(work: Promise<HookResult>, signal: AbortSignal | undefined): Promise<HookResult> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
