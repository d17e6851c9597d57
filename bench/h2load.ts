// Throughput with h2load (nghttp2-client, a C load generator), so the client does not eat the server's CPU
// on a 2-core machine. One h2load process per connection, each with its own share of the URIs: a single h2load
// walks the same list on every connection, so its patches would race on one object. Latency comes two ways:
// end to end per request from h2load's --log-file, and inside the server from its
// apiserver_request_duration_seconds histogram (as upstream's SLOs are measured).
import { spawn, spawnSync } from "node:child_process";
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

/**
 * Sends `requests` requests over `clients` connections, one request in flight on each. With one URI every
 * connection uses it; with several, connection c takes every clients-th one from c on, each once.
 */
export async function h2load(opts: { dir: string; url: string; token: string; uris: string[]; method?: string; body?: string; contentType?: string; requests: number; clients: number }): Promise<H2loadResult> {
  const common = ["-c", "1", "-m", "1", "-H", `authorization: Bearer ${opts.token}`];
  if (opts.body !== undefined) {
    const bodyFile = join(opts.dir, "body.json");
    await writeFile(bodyFile, opts.body);
    common.push("-d", bodyFile, "-H", `content-type: ${opts.contentType ?? "application/json"}`);
  }
  if (opts.method) common.push("-H", `:method: ${opts.method}`);
  const runs = await Promise.all(Array.from({ length: opts.clients }, async (_, c) => {
    const mine = opts.uris.length === 1 ? opts.uris : opts.uris.filter((_, i) => i % opts.clients === c);
    const uriFile = join(opts.dir, `uris-${c}.txt`);
    await writeFile(uriFile, mine.map((u) => opts.url + u).join("\n") + "\n");
    const n = Math.floor(opts.requests / opts.clients) + (c < opts.requests % opts.clients ? 1 : 0);
    return { args: ["-n", String(n), "-i", uriFile, "--log-file", join(opts.dir, `h2load-${c}.log`), ...common], logFile: join(opts.dir, `h2load-${c}.log`) };
  }));
  const t0 = performance.now();
  const outputs = await Promise.all(runs.map((r) => new Promise<string>((resolve, reject) => {
    const child = spawn("h2load", r.args);
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; });
    child.on("error", reject);
    child.on("close", () => resolve(out));
  })));
  const secs = (performance.now() - t0) / 1000;
  let failed = 0;
  for (const out of outputs) {
    const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
    if (!status) throw new Error(`h2load failed:\n${out}`);
    failed += Number(status[3]) + Number(status[4]);
  }
  // --log-file lines: start time (µs since epoch), status, microseconds until the response ended.
  const latenciesMs: number[] = [];
  for (const r of runs) {
    for (const line of (await readFile(r.logFile, "utf8")).trim().split("\n")) latenciesMs.push(Number(line.split("\t")[2]) / 1000);
  }
  return { reqPerSec: opts.requests / secs, failed, latenciesMs };
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
