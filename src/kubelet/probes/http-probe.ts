// The httpGet probe: a 2xx answer succeeds, so does a 3xx the prober stopped at (a redirect off the host, or one
// without a Location); anything else, or no answer within the timeout, fails.
import type { HTTPGetAction } from "kubernetes-types/core/v1";
import { httpGetRequest, sendHttpGet } from "./http-get.ts";
import { ProbeError } from "./target.ts";
import type { ProbeResult, ProbeTarget } from "./target.ts";

export async function httpProbe(action: HTTPGetAction, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const req = httpGetRequest(action, target, "probe"); // a bad port or missing pod IP throws: no result
  try {
    const res = await sendHttpGet(req, { timeoutMs, redirects: "same-host" });
    if (res.status >= 200 && res.status < 300) return { result: "success", message: res.body };
    if (res.status >= 300 && res.status < 400) {
      return { result: "success", message: `Probe terminated redirects, Response body: ${res.body}` };
    }
    return { result: "failure", message: `HTTP probe failed with statuscode: ${res.status}` };
  } catch (err) {
    if (err instanceof ProbeError) return { result: "failure", message: err.message };
    throw err;
  }
}
