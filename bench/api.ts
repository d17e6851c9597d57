// API server benchmark (issue #2's figures): starts `berth server` on a temporary SQLite data dir and drives it
// over HTTPS/HTTP2 with N concurrent clients using the admin certificate.
//   node_modules/.bin/node bench/api.ts [--objects 2000] [--clients 32] [--warmup 3000] [--api-only]
//     [--datastore-endpoint URL]
// --datastore-endpoint is passed to the server as is (e.g. etcd's http://127.0.0.1:2379,...); default: SQLite
// in the temporary data dir.
// Prints creates/s, gets/s, merge-patches/s with p50/p99, LIST time, watch delivery p99, idle RSS and the
// time to ready on an existing data dir; with h2load installed, the same again from a C client, and the floor:
// those creates against a bare Node HTTP/2 server (bench/http2-floor-server.ts).
import http2 from "node:http2";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parse as parseYaml } from "yaml";
import { fileURLToPath } from "node:url";
import { h2load, haveH2load, histogram, quantileMs } from "./h2load.ts";

/** client-go's HTTP/2 flow-control windows (4 MiB per stream), so big LISTs are not throttled by Node's 64 KiB default. */
function connect(creds: Creds): http2.ClientHttp2Session {
  const s = http2.connect(creds.url, { ca: creds.ca, cert: creds.cert, key: creds.key, settings: { initialWindowSize: 4 << 20 } });
  s.on("connect", () => s.setLocalWindowSize(64 << 20));
  return s;
}

const { values } = parseArgs({ options: { objects: { type: "string", default: "2000" }, clients: { type: "string", default: "32" }, "api-only": { type: "boolean", default: false }, "datastore-endpoint": { type: "string" }, warmup: { type: "string", default: "3000" } } });
const DATASTORE = values["datastore-endpoint"];
/** --api-only: the API server alone, without the controllers and scheduler that watch every write. */
const API_ONLY = values["api-only"];
const OBJECTS = Number(values.objects);
const CLIENTS = Number(values.clients);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Creds { url: string; ca: string; cert: string; key: string }

async function startServer(dataDir: string, port: number): Promise<{ proc: ChildProcess; readyMs: number }> {
  const t0 = performance.now();
  const proc = spawn(join(ROOT, "bin/berth"), ["server", "--data-dir", dataDir, "--https-port", String(port), "--disable-agent", "--bind-address", "127.0.0.1", ...(API_ONLY ? ["--disable-controller-manager", "--disable-scheduler"] : []), ...(DATASTORE ? ["--datastore-endpoint", DATASTORE] : [])], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, BERTH_LOG_LEVEL: "warn" } });
  for (;;) {
    try {
      const creds = await loadCreds(dataDir);
      const s = http2.connect(creds.url, { ca: creds.ca, cert: creds.cert, key: creds.key });
      const status = await new Promise<number>((resolve, reject) => {
        s.on("error", reject);
        const r = s.request({ ":path": "/readyz" });
        r.on("response", (h) => resolve(Number(h[":status"])));
        r.on("error", reject);
        r.end();
      });
      s.close();
      if (status === 200) return { proc, readyMs: performance.now() - t0 };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function loadCreds(dataDir: string): Promise<Creds> {
  const kc = parseYaml(await readFile(join(dataDir, "kubeconfig.yaml"), "utf8"));
  const b64 = (s: string) => Buffer.from(s, "base64").toString();
  return { url: kc.clusters[0].cluster.server, ca: b64(kc.clusters[0].cluster["certificate-authority-data"]), cert: b64(kc.users[0].user["client-certificate-data"]), key: b64(kc.users[0].user["client-key-data"]) };
}

function request(s: http2.ClientHttp2Session, method: string, path: string, body?: string, contentType = "application/json"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = s.request({ ":method": method, ":path": path, ...(body ? { "content-type": contentType } : {}) });
    let data = "";
    let status = 0;
    r.setEncoding("utf8");
    r.on("response", (h) => { status = Number(h[":status"]); });
    r.on("data", (d) => { data += d; });
    r.on("end", () => resolve({ status, body: data }));
    r.on("error", reject);
    r.end(body);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** CPU seconds (user + system) the server process has used, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * This process's own full GC, run before each measured phase. The client is Node's HTTP/2 too, whose finished
 * streams wait for a full GC, and one landing in a phase (~20 ms here) would stall every request in flight: the
 * client's pause, not the server's.
 */
setFlagsFromString("--expose-gc");
const collectClientGarbage = runInNewContext("gc") as () => void;

async function phase(name: string, sessions: http2.ClientHttp2Session[], op: (s: http2.ClientHttp2Session, i: number) => Promise<void>): Promise<void> {
  collectClientGarbage();
  const cpu0 = await cpuSeconds(serverPid);
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(sessions.map(async (s) => {
    for (let i = next++; i < OBJECTS; i = next++) {
      const t = performance.now();
      await op(s, i);
      lat.push(performance.now() - t);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const cpuMs = ((await cpuSeconds(serverPid)) - cpu0) * 1000 / OBJECTS;
  console.log(`${name.padEnd(14)} ${(OBJECTS / secs).toFixed(0).padStart(6)} /s   p50 ${pct(lat, 50).toFixed(1)} ms   p99 ${pct(lat, 99).toFixed(1)} ms   server CPU ${cpuMs.toFixed(2)} ms/request`);
}

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)![1]) / 1024);
}

/** An h2load run with the server's CPU per request over it, as one line: throughput, latency, CPU, failures. */
async function measuredH2load(pid: number, opts: Parameters<typeof h2load>[0]): Promise<string> {
  const cpu0 = await cpuSeconds(pid);
  const r = await h2load(opts);
  const cpuMs = ((await cpuSeconds(pid)) - cpu0) * 1000 / opts.requests;
  return `${r.reqPerSec.toFixed(0).padStart(6)} /s   end to end p50 ${pct(r.latenciesMs, 50).toFixed(1)} ms p99 ${pct(r.latenciesMs, 99).toFixed(1)} ms   server CPU ${cpuMs.toFixed(2)} ms/request   failed ${r.failed}`;
}

/**
 * The h2load creates against bench/http2-floor-server.ts, which does no API work at all: what Node's TLS and
 * HTTP/2 cost per request on this machine, the part of Berth's figures no change to Berth can remove.
 */
async function floor(dir: string, token: string, body: string, requests: number): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  // The same V8 settings bin/berth gives the server.
  const flags = ["--max-semi-space-size=8", `--v8-pool-size=${Math.max(1, availableParallelism() - 1)}`];
  const child = spawn(process.execPath, [...flags, join(ROOT, "bench/http2-floor-server.ts"), join(dir, "tls/serving.crt"), join(dir, "tls/serving.key"), String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await new Promise((resolve, reject) => {
      child.stdout!.once("data", resolve);
      child.once("exit", (code) => reject(new Error(`floor server exited (${code})`)));
    });
    const opts = { dir, url: `https://127.0.0.1:${port}`, token, uris: ["/api/v1/namespaces/bench/configmaps"], body, requests, clients: CLIENTS };
    await h2load({ ...opts, requests: 3000 }); // warm-up
    const line = await measuredH2load(child.pid!, opts);
    console.log(`-- the floor: the same h2load creates against a bare Node HTTP/2 server (bench/http2-floor-server.ts)`);
    console.log(`create         ${line}`);
  } finally {
    child.kill("SIGKILL");
  }
}

const dataDir = await mkdtemp(join(tmpdir(), "berth-bench-"));
const port = 20000 + Math.floor(Math.random() * 20000);
let { proc } = await startServer(dataDir, port);
// bin/berth execs node, so the child's pid is the server's.
const serverPid = proc.pid!;
try {
  await new Promise((r) => setTimeout(r, 1000));
  console.log(`objects ${OBJECTS}, clients ${CLIENTS}, value 512 B`);
  console.log(`idle RSS (first start, certificates just issued)  ${(await rssMb(serverPid)).toFixed(0)} MB`);
  const creds = await loadCreds(dataDir);
  const sessions = Array.from({ length: CLIENTS }, () => connect(creds));
  await request(sessions[0]!, "POST", "/api/v1/namespaces", JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } }));
  const payload = "x".repeat(512);
  const base = "/api/v1/namespaces/bench/configmaps";
  // h2load's creates (and the floor's): generated names, authenticated with the bearer token.
  const h2CreateBody = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "h2-" }, data: { payload } });
  const token = (await readFile(join(dataDir, "token"), "utf8")).trim();
  // Warm-up (JIT, connections, caches) on objects of their own, not counted. V8 keeps optimizing the server's
  // code for the first few thousand requests: after 640 warm-up requests it still compiled for 0.2 s of a core
  // during the next 2000 creates; after 3000 per verb (--warmup), ~0.04 s. The figures are for a server in steady state.
  await request(sessions[0]!, "POST", "/api/v1/namespaces", JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "warmup" } }));
  const warmupPerClient = Math.ceil(Number(values.warmup) / CLIENTS);
  await Promise.all(sessions.map(async (s, c) => {
    for (let i = 0; i < warmupPerClient; i++) {
      const path = "/api/v1/namespaces/warmup/configmaps";
      await request(s, "POST", path, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `w-${c}-${i}` }, data: { payload } }));
      await request(s, "PATCH", `${path}/w-${c}-${i}`, JSON.stringify({ metadata: { annotations: { w: "1" } } }), "application/merge-patch+json");
      await request(s, "GET", `${path}/w-${c}-${i}`);
    }
  }));

  // Watch delivery: a watcher records when each patch's event arrives; the patch carries its send time.
  const watchLat: number[] = [];
  const watcher = connect(creds);
  const sentAt = new Map<string, number>();
  // When each event and each patch's response arrived: the event's lag behind the write's acknowledgement is
  // the delivery path's own share, without the write's queueing.
  const eventAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const w = watcher.request({ ":path": `${base}?watch=true&resourceVersion=0` });
  let buf = "";
  w.setEncoding("utf8");
  w.on("data", (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const ev = JSON.parse(line);
      const mark = ev.object?.metadata?.annotations?.mark;
      const t = mark && sentAt.get(mark);
      if (t) { watchLat.push(performance.now() - t); sentAt.delete(mark); eventAt.set(mark, performance.now()); }
    }
  });

  await phase("create", sessions, async (s, i) => {
    const r = await request(s, "POST", base, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}` }, data: { payload } }));
    if (r.status !== 201) throw new Error(`create ${r.status} ${r.body}`);
  });
  await phase("get", sessions, async (s, i) => {
    const r = await request(s, "GET", `${base}/cm-${i}`);
    if (r.status !== 200) throw new Error(`get ${r.status}`);
  });
  await phase("merge-patch", sessions, async (s, i) => {
    const mark = `m${i}`;
    sentAt.set(mark, performance.now());
    const r = await request(s, "PATCH", `${base}/cm-${i}`, JSON.stringify({ metadata: { annotations: { mark } } }), "application/merge-patch+json");
    ackAt.set(mark, performance.now());
    if (r.status !== 200) throw new Error(`patch ${r.status} ${r.body}`);
  });
  const listTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const r = await request(sessions[0]!, "GET", base);
    listTimes.push(performance.now() - t);
    // The objects, plus the root CA ConfigMap the controllers publish in every namespace unless --api-only.
    if (JSON.parse(r.body).items.length !== OBJECTS + (API_ONLY ? 0 : 1)) throw new Error("list size");
  }
  await new Promise((r) => setTimeout(r, 500));
  console.log(`LIST ${OBJECTS}        median ${pct(listTimes, 50).toFixed(1)} ms   max ${Math.max(...listTimes).toFixed(1)} ms`);
  console.log(`write→watch event, during the saturating patches   p50 ${pct(watchLat, 50).toFixed(1)} ms   p99 ${pct(watchLat, 99).toFixed(1)} ms   (${watchLat.length}/${OBJECTS} events)`);
  const lag = [...ackAt].filter(([mark]) => eventAt.has(mark)).map(([mark, ack]) => eventAt.get(mark)! - ack);
  console.log(`  the event after the write's response arrived          p50 ${pct(lag, 50).toFixed(1)} ms   p99 ${pct(lag, 99).toFixed(1)} ms   (negative: before it)`);
  // The same at a moderate rate (200 patches/s, one client), where it is the delivery path itself.
  watchLat.length = 0;
  const paced = Math.min(OBJECTS, 1000);
  for (let i = 0; i < paced; i++) {
    const mark = `p${i}`;
    sentAt.set(mark, performance.now());
    await request(sessions[0]!, "PATCH", `${base}/cm-${i}`, JSON.stringify({ metadata: { annotations: { mark } } }), "application/merge-patch+json");
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 200));
  console.log(`write→watch event, 200 patches/s                  p50 ${pct(watchLat, 50).toFixed(1)} ms   p99 ${pct(watchLat, 99).toFixed(1)} ms   (${watchLat.length}/${paced} events)`);
  w.close();
  watcher.close();

  if (haveH2load()) {
    // The same work driven by a C client (bearer token auth), so the server has the CPU the Node client used,
    // on five times as many objects of their own (steadier figures): creates, then a get and a patch of each.
    const metrics = async () => (await request(sessions[0]!, "GET", "/metrics")).body;
    const requests = OBJECTS * 5;
    const common = { dir: dataDir, url: creds.url, token, requests, clients: CLIENTS };
    console.log(`-- h2load (C client, ${CLIENTS} connections, one request in flight each, ${requests} requests a phase)`);
    const run = async (name: string, verb: string, opts: Parameters<typeof h2load>[0]) => {
      const before = histogram(await metrics(), verb, "configmaps");
      const line = await measuredH2load(serverPid, opts);
      const after = histogram(await metrics(), verb, "configmaps");
      const q = (x: number) => quantileMs(before, after, x).toFixed(1);
      console.log(`${name.padEnd(14)} ${line}   in server p50 ${q(0.5)} ms p99 ${q(0.99)} ms`);
    };
    await run("create", "create", { ...common, uris: [base], body: h2CreateBody });
    const names = (JSON.parse((await request(sessions[0]!, "GET", base)).body).items as { metadata: { name: string } }[]).map((i) => i.metadata.name).filter((n) => n.startsWith("h2-"));
    if (names.length !== requests) throw new Error(`h2load created ${names.length} of ${requests}`);
    const uris = names.map((n) => `${base}/${n}`);
    await run("get", "get", { ...common, uris });
    await run("merge-patch", "patch", { ...common, uris, method: "PATCH", body: JSON.stringify({ metadata: { annotations: { h2: "x" } } }), contentType: "application/merge-patch+json" });
  } else {
    console.log("(install nghttp2-client for the h2load throughput figures)");
  }
  const stored = JSON.parse((await request(sessions[0]!, "GET", `${base}?limit=1`)).body).metadata.remainingItemCount + 1;
  for (const s of sessions) s.close();
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`idle RSS (after load)  ${(await rssMb(proc.pid!)).toFixed(0)} MB`);
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
  const restarted = await startServer(dataDir, port);
  proc = restarted.proc;
  console.log(`ready on existing data dir  ${restarted.readyMs.toFixed(0)} ms (process start to /readyz 200)`);
  await new Promise((r) => setTimeout(r, 1000));
  console.log(`idle RSS (restarted, ${stored} benchmark objects stored)  ${(await rssMb(proc.pid!)).toFixed(0)} MB`);
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
  if (haveH2load()) await floor(dataDir, token, h2CreateBody, OBJECTS * 5);
} finally {
  proc.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
}
