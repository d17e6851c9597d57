// Cluster DNS under load: N Services (every fourth headless, with an EndpointSlice of 3 ready endpoints; the rest
// ClusterIP with a named port) created through the API, then UDP queries at a fixed rate from a worker thread, so the
// load generator does not share the server's event loop. By default the API server and the DNS server run in this
// process; with --kubeconfig (or $KUBECONFIG) the DNS server reads a running cluster (its objects go into a
// namespace of their own, deleted afterwards). With --server IP:PORT as well, the queries go to that cluster's own
// DNS (e.g. its Service IP, 10.43.0.10:53), and with --netns PATH they are sent from inside that network namespace
// (a pod's, from `ip netns`), so they take the pod's path through the Service proxy's DNAT.
//   node_modules/.bin/node bench/dns.ts [--services 1000] [--rate 1000] [--seconds 10]
//   node_modules/.bin/node bench/dns.ts --kubeconfig K --server 10.43.0.10:53 --netns /var/run/netns/cni-...
// Query mix: 30% Service A, 20% headless A, 20% SRV (ClusterIP and headless), 15% PTR of a ClusterIP, 15% NXDOMAIN.
// Prints the achieved reply rate, latency percentiles (send -> reply, in the worker), and errors (no reply within
// 2 s, or an rcode other than the one expected).
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createSocket } from "node:dgram";
import { spawn } from "node:child_process";
import { text } from "node:stream/consumers";
import { decode, encode } from "dns-packet";
import type { RecordType } from "dns-packet";
import type { Service } from "kubernetes-types/core/v1";
import { Client } from "../src/client/rest-client.ts";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { R } from "../src/client/resources.ts";
import { startClusterDns } from "../src/dns/cluster-dns.ts";
import { startTestApi } from "../test/support/api-server.ts";

interface Query {
  name: string;
  type: RecordType;
  rcode: "NOERROR" | "NXDOMAIN";
}

interface LoadSpec {
  address: string;
  port: number;
  rate: number;
  seconds: number;
  queries: Query[];
}

interface LoadResult {
  sent: number;
  replies: number;
  timeouts: number;
  wrongRcode: number;
  elapsedMs: number;
  latenciesMs: number[];
}

const REPLY_TIMEOUT_MS = 2000;

// Three roles: the benchmark; its load generator as a worker thread; or, inside another network namespace, as a
// process reading its spec on stdin and writing its result on stdout.
if (!isMainThread) parentPort!.postMessage(await generateLoad(workerData as LoadSpec));
else if (process.argv[2] === "--generate") process.stdout.write(JSON.stringify(await generateLoad(JSON.parse(await text(process.stdin)) as LoadSpec)));
else await main();

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      services: { type: "string", default: "1000" },
      rate: { type: "string", default: "1000" },
      seconds: { type: "string", default: "10" },
      concurrency: { type: "string", default: "32" },
      kubeconfig: { type: "string", default: process.env.KUBECONFIG },
      server: { type: "string" },
      netns: { type: "string" },
    },
  });
  if (values.server && !values.kubeconfig) throw new Error("--server needs --kubeconfig: the Services must be in that cluster");
  const N = Number(values.services);
  const api = values.kubeconfig ? undefined : await startTestApi();
  const client = api ? api.client : new Client(new HttpsTransport(await loadKubeconfig(values.kubeconfig!)), "berth-bench");
  const ns = `dns-bench-${Date.now().toString(36)}`;
  await client.resource(R.namespaces).create({ metadata: { name: ns } });

  const abort = new AbortController();
  const dns = values.server ? undefined : await startClusterDns({ client, clusterDomain: "cluster.local", address: "127.0.0.1", port: 0, upstreams: [], signal: abort.signal });
  await dns?.synced;
  const [address, port] = values.server ? [values.server.split(":")[0]!, Number(values.server.split(":")[1] ?? 53)] : ["127.0.0.1", dns!.port];

  const t0 = performance.now();
  const services: Service[] = new Array(N);
  let next = 0;
  await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
    while (next < N) {
      const i = next++;
      services[i] = await createService(client, ns, i);
    }
  }));
  const createdMs = performance.now() - t0;
  // The last object created is in the index once its name answers.
  await waitForAnswer(address, port, `${services.at(-1)!.metadata!.name}.${ns}.svc.cluster.local`, N % 4 === 1);
  const indexedMs = performance.now() - t0;

  const queries = queryMix(services, ns);
  const spec: LoadSpec = { address, port, rate: Number(values.rate), seconds: Number(values.seconds), queries };
  const result = values.netns ? await generateInNamespace(values.netns, spec) : await generateInWorker(spec);

  const lat = result.latenciesMs.sort((a, b) => a - b);
  const pct = (p: number): string => (lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN).toFixed(2);
  console.log(`services: ${N} (${Math.ceil(N / 4)} headless x 3 endpoints) created in ${(createdMs / 1000).toFixed(1)} s, all in DNS after ${(indexedMs / 1000).toFixed(1)} s`);
  console.log(`load: ${result.sent} queries at ${values.rate}/s target over ${(result.elapsedMs / 1000).toFixed(1)} s -> ${(result.replies / (result.elapsedMs / 1000)).toFixed(0)} replies/s`);
  console.log(`latency ms: p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  max ${lat.length ? lat.at(-1)!.toFixed(2) : "NaN"}`);
  console.log(`errors: ${result.timeouts} timeouts, ${result.wrongRcode} unexpected rcodes`);

  abort.abort();
  await dns?.done;
  await client.resource(R.namespaces).delete(undefined, ns).catch(() => {});
  if (api) return api.close();
  client.transport.close();
}

async function generateInWorker(spec: LoadSpec): Promise<LoadResult> {
  const worker = new Worker(new URL(import.meta.url), { workerData: spec });
  const result = await new Promise<LoadResult>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  return result;
}

async function generateInNamespace(netns: string, spec: LoadSpec): Promise<LoadResult> {
  const child = spawn("nsenter", [`--net=${netns}`, process.execPath, new URL(import.meta.url).pathname, "--generate"], { stdio: ["pipe", "pipe", "inherit"] });
  child.stdin.end(JSON.stringify(spec));
  const out = await text(child.stdout);
  const code = await new Promise((r) => child.once("close", r));
  if (code !== 0) throw new Error(`the load generator in ${netns} exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

async function createService(client: Client, ns: string, i: number): Promise<Service> {
  const name = `svc-${i}`;
  if (i % 4 !== 1) {
    return client.resource(R.services).create({ metadata: { name, namespace: ns }, spec: { ports: [{ name: "http", port: 80 }] } });
  }
  const svc = await client.resource(R.services).create({ metadata: { name, namespace: ns }, spec: { clusterIP: "None", ports: [{ name: "http", port: 8080 }] } });
  await client.resource(R.endpointslices).create({
    metadata: { name: `${name}-1`, namespace: ns, labels: { "kubernetes.io/service-name": name } },
    addressType: "IPv4",
    endpoints: [0, 1, 2].map((j) => ({ addresses: [`10.${42 + j}.${(i >> 8) & 255}.${i & 255}`], hostname: `${name}-${j}`, conditions: { ready: true } })),
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  });
  return svc;
}

function queryMix(services: Service[], ns: string): Query[] {
  const fqdn = (s: Service): string => `${s.metadata!.name}.${ns}.svc.cluster.local`;
  const headless = services.filter((s) => s.spec?.clusterIP === "None");
  const clusterIP = services.filter((s) => s.spec?.clusterIP !== "None");
  const pick = <T>(xs: T[], i: number): T => xs[(i * 7919) % xs.length]!;
  const out: Query[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = i % 20;
    if (r < 6) out.push({ name: fqdn(pick(clusterIP, i)), type: "A", rcode: "NOERROR" });
    else if (r < 10) out.push({ name: fqdn(pick(headless, i)), type: "A", rcode: "NOERROR" });
    else if (r < 14) out.push({ name: `_http._tcp.${fqdn(pick(r < 12 ? clusterIP : headless, i))}`, type: "SRV", rcode: "NOERROR" });
    else if (r < 17) out.push({ name: `${pick(clusterIP, i).spec!.clusterIP!.split(".").reverse().join(".")}.in-addr.arpa`, type: "PTR", rcode: "NOERROR" });
    else out.push({ name: `missing-${i}.${ns}.svc.cluster.local`, type: "A", rcode: "NXDOMAIN" });
  }
  return out;
}

async function waitForAnswer(address: string, port: number, name: string, headless: boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const sock = createSocket("udp4");
      const timer = setTimeout(() => (sock.close(), resolve(undefined)), 500);
      sock.on("message", (m) => (clearTimeout(timer), sock.close(), resolve(m)));
      sock.send(encode({ type: "query", id: 1, questions: [{ name, type: "A" }] }), port, address);
    });
    if (reply && (decode(reply).answers?.length ?? 0) >= (headless ? 3 : 1)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} never answered`);
}

/** Sends queries on a fixed schedule (not waiting for replies) and times each reply against its send time. */
async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const sock = createSocket("udp4");
  const pending = new Map<number, { sentAt: number; rcode: string; timer: NodeJS.Timeout }>();
  const res: LoadResult = { sent: 0, replies: 0, timeouts: 0, wrongRcode: 0, elapsedMs: 0, latenciesMs: [] };
  const packets = spec.queries.map((q) => encode({ type: "query", id: 0, flags: 1 << 8, questions: [{ name: q.name, type: q.type }] }));
  sock.on("message", (msg) => {
    const now = performance.now();
    const p = pending.get(msg.readUInt16BE(0));
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(msg.readUInt16BE(0));
    res.replies++;
    res.latenciesMs.push(now - p.sentAt);
    if ((decode(msg) as { rcode?: string }).rcode !== p.rcode) res.wrongRcode++;
  });
  await new Promise<void>((r) => sock.bind(0, spec.address === "127.0.0.1" ? "127.0.0.1" : "0.0.0.0", r));
  const total = spec.rate * spec.seconds;
  const start = performance.now();
  let id = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * spec.rate) / 1000));
      while (res.sent < due) {
        const i = res.sent++;
        id = (id + 1) & 0xffff;
        // A copy per send: dgram sends asynchronously, and the template is reused.
        const msg = Buffer.from(packets[i % packets.length]!);
        msg.writeUInt16BE(id, 0);
        const qid = id;
        pending.set(qid, { sentAt: performance.now(), rcode: spec.queries[i % spec.queries.length]!.rcode, timer: setTimeout(() => (pending.delete(qid), res.timeouts++), REPLY_TIMEOUT_MS) });
        sock.send(msg, spec.port, spec.address);
      }
      if (res.sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  // Let the last replies (or their timeouts) come in.
  while (pending.size) await new Promise((r) => setTimeout(r, 10));
  res.elapsedMs = performance.now() - start;
  sock.close();
  return res;
}
