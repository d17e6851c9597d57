// One HTTP GET as probes and lifecycle hooks send it: the request built from an HTTPGetAction, no keep-alive, no
// certificate verification, redirects followed up to 10 hops, one deadline over the whole exchange.
import http from "node:http";
import https from "node:https";
import type { HTTPGetAction } from "kubernetes-types/core/v1";
import { resolvePort } from "./port.ts";
import { joinHostPort, KUBE_MAJOR_MINOR, MAX_OUTPUT_BYTES, ProbeError } from "./target.ts";
import type { ProbeTarget } from "./target.ts";

export interface HttpGetRequest {
  url: URL;
  /** Header names as the user wrote them; repeated names carry several values. */
  headers: Record<string, string[]>;
}

/**
 * The request an HTTPGetAction describes: host defaults to the pod IP, scheme to HTTP, the port may be a named
 * container port. User-Agent is kube-<agent>/1.32 and Accept is *\/* unless the action's headers set them; a Host
 * header overrides the host the request names.
 */
export function httpGetRequest(action: HTTPGetAction, target: ProbeTarget, agent: "probe" | "lifecycle"): HttpGetRequest {
  const scheme = (action.scheme ?? "HTTP").toLowerCase();
  if (scheme !== "http" && scheme !== "https") throw new ProbeError(`unsupported scheme ${JSON.stringify(action.scheme)}`);
  const host = action.host || target.podIP;
  if (!host) throw new ProbeError("no host to probe: the action names none and the pod has no IP yet");
  const port = resolvePort(action.port, target.container);
  const path = action.path ?? "";
  const url = new URL(`${scheme}://${joinHostPort(host, port)}${path.startsWith("/") ? "" : "/"}${path}`);

  const headers: Record<string, string[]> = {};
  const nameOf = new Map<string, string>(); // lower-case name -> the first spelling seen
  for (const h of action.httpHeaders ?? []) {
    const key = h.name.toLowerCase();
    const name = nameOf.get(key) ?? h.name;
    nameOf.set(key, name);
    (headers[name] ??= []).push(h.value);
  }
  if (!nameOf.has("user-agent")) headers["User-Agent"] = [`kube-${agent}/${KUBE_MAJOR_MINOR}`];
  if (!nameOf.has("accept")) headers["Accept"] = ["*/*"];
  return { url, headers };
}

export interface HttpGetResponse {
  status: number;
  /** At most the first 10 KiB of the body, as UTF-8. */
  body: string;
  /** A redirect was not followed because it left the original host (only with redirects: "same-host"). */
  redirectStopped: boolean;
}

export interface HttpGetOptions {
  /** Deadline over the whole exchange, redirects included; none when undefined. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** "same-host": a redirect to another host is answered with the redirect itself (probes); "any": lifecycle hooks. */
  redirects: "same-host" | "any";
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials are not sent on to a host the user did not name. */
const CROSS_HOST_DROPPED = new Set(["authorization", "cookie", "www-authenticate", "host"]);

/** Sends the GET and follows redirects. Rejects with a ProbeError that says what failed (refused, timed out...). */
export async function sendHttpGet(req: HttpGetRequest, opts: HttpGetOptions): Promise<HttpGetResponse> {
  const timeout = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
  const signals = [timeout, opts.signal].filter((s) => s !== undefined);
  const signal = signals.length ? AbortSignal.any(signals) : undefined;
  const origin = req.url;
  let url = req.url;
  let headers = req.headers;
  for (let hops = 0; ; hops++) {
    let res: HttpGetResponse & { location?: string };
    try {
      res = await getOnce(url, headers, signal);
    } catch (err) {
      const why = timeout?.aborted ? `timed out after ${opts.timeoutMs! / 1000}s`
        : opts.signal?.aborted ? "aborted"
        : (err as Error).message;
      throw new ProbeError(`Get ${JSON.stringify(url.href)}: ${why}`, { cause: err });
    }
    if (!REDIRECT_STATUSES.has(res.status) || res.location === undefined) return res;
    const next = new URL(res.location, url);
    if (next.protocol !== "http:" && next.protocol !== "https:") return res;
    if (opts.redirects === "same-host" && next.hostname !== origin.hostname) return { ...res, redirectStopped: true };
    if (hops + 1 >= MAX_REDIRECTS) throw new ProbeError(`Get ${JSON.stringify(next.href)}: stopped after ${MAX_REDIRECTS} redirects`);
    if (next.host !== url.host) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CROSS_HOST_DROPPED.has(name.toLowerCase())));
    }
    url = next;
  }
}

function getOnce(url: URL, headers: Record<string, string[]>, signal: AbortSignal | undefined): Promise<HttpGetResponse & { location?: string }> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === "https:" ? https : http;
    // Node wants one value per header as a string (Host must be one); repeated headers go as arrays.
    const wire = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.length === 1 || k.toLowerCase() === "host" ? v[0] : v]));
    const req = lib.request(url, { method: "GET", headers: wire, agent: false, signal, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        res.destroy();
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString("utf8"),
          redirectStopped: false,
          location: res.headers.location,
        });
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_OUTPUT_BYTES) done(); // the rest of a long body is not read
      });
      res.once("end", done);
      res.once("error", reject);
    });
    req.once("error", reject);
    req.end();
  });
}
