// Throughput with h2load (nghttp2-client, a C load generator), so the client does not eat the server's CPU
// on a 2-core machine. Latency comes two ways: end to end per request from h2load's --log-file, and inside
// the server from its apiserver_request_duration_seconds histogram (as upstream's SLOs are measured).
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export function haveH2load(): boolean {
  return spawnSync("h2load", ["--version"]).status === 0;
}

export interface H2loadResult {
  reqPerSec: number;
  failed: number;
  /** End-to-end request latencies in ms, as h2load saw them. */
  latenciesMs: number[];
}

/** Runs h2load with `requests` requests over `clients` connections against the given URIs. */
export async function h2load(opts: { dir: string; url: string; token: string; uris: string[]; method?: string; body?: string; contentType?: string; requests: number; clients: number }): Promise<H2loadResult> {
  const uriFile = join(opts.dir, "uris.txt");
  await writeFile(uriFile, opts.uris.map((u) => opts.url + u).join("\n") + "\n");
  const logFile = join(opts.dir, "h2load.log");
  const args = ["-n", String(opts.requests), "-c", String(opts.clients), "-m", "1", "-i", uriFile, "-H", `authorization: Bearer ${opts.token}`, "--log-file", logFile];
  if (opts.body !== undefined) {
    const bodyFile = join(opts.dir, "body.json");
    await writeFile(bodyFile, opts.body);
    args.push("-d", bodyFile, "-H", `content-type: ${opts.contentType ?? "application/json"}`);
  }
  if (opts.method) args.push("-H", `:method: ${opts.method}`);
  const r = spawnSync("h2load", args, { encoding: "utf8" });
  const rps = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(r.stdout);
  const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(r.stdout);
  if (!rps || !status) throw new Error(`h2load failed:\n${r.stdout}\n${r.stderr}`);
  // --log-file lines: start time (µs since epoch), status, microseconds until the response ended.
  const latenciesMs = (await readFile(logFile, "utf8")).trim().split("\n").map((l) => Number(l.split("\t")[2]) / 1000);
  return { reqPerSec: Number(rps[1]), failed: Number(status[3]) + Number(status[4]), latenciesMs };
}

type Buckets = Map<number, number>;

/** Cumulative bucket counts of apiserver_request_duration_seconds for one verb and resource. */
export function histogram(metrics: string, verb: string, resource: string): Buckets {
  const out: Buckets = new Map();
  const re = new RegExp(`^apiserver_request_duration_seconds_bucket\\{le="([^"]+)",verb="${verb}",resource="${resource}"\\} (\\d+)$`, "gm");
  for (const m of metrics.matchAll(re)) out.set(m[1] === "+Inf" ? Infinity : Number(m[1]), Number(m[2]));
  return out;
}

/** The q-quantile (0..1) in ms of the observations between two snapshots, linear within a bucket. */
export function quantileMs(before: Buckets, after: Buckets, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i]! >= rank) {
      const b = bounds[i]!;
      if (b === Infinity) return prevBound * 1000;
      const inBucket = counts[i]! - prevCount;
      return (prevBound + (b - prevBound) * (inBucket ? (rank - prevCount) / inBucket : 0)) * 1000;
    }
    prevBound = bounds[i]!;
    prevCount = counts[i]!;
  }
  return NaN;
}
