// Network programming latency (issue #7's figures): how long an endpoint change takes to reach the kernel.
//   node_modules/.bin/node bench/network-programming.ts [--services 1000] [--endpoints 10] [--changes 200] [--rate 20] [--burst 1000] [--kubeconfig FILE]
// Creates selectorless Services with one EndpointSlice each, starts the Service proxy in a network namespace of its
// own and reports the initial full sync time. Then it changes one endpoint at a time (--rate per second) and, for
// each, times the API write to the moment the kernel holds a DNAT rule to the new endpoint (a plain `dnat to ip:port`
// or an entry of a random pick's `map { i : ip . port }`), observed with `nft monitor` in that namespace; prints
// p50/p99/max. Finally a burst of --burst changes written at once, timed to the last
// rule seen. By default the API server runs in this process; with --kubeconfig the objects go to a running cluster
// (in a namespace of their own, deleted afterwards).
import { parseArgs } from "node:util";
import { execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { Client } from "../src/client/rest-client.ts";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { R } from "../src/client/resources.ts";
import { startServiceProxy } from "../src/proxy/service-proxy.ts";
import { startTestApi } from "../test/support/api-server.ts";

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "1000" },
    endpoints: { type: "string", default: "10" },
    changes: { type: "string", default: "200" },
    rate: { type: "string", default: "20" },
    burst: { type: "string", default: "1000" },
    kubeconfig: { type: "string" },
  },
});
const SERVICES = Number(values.services);
const ENDPOINTS = Number(values.endpoints);
const CHANGES = Number(values.changes);
const RATE = Number(values.rate);
const BURST = Math.min(Number(values.burst), SERVICES);
const NAMESPACE = values.kubeconfig ? `netprog-${process.pid}` : "default";
const NETNS = `bpxbench${process.pid}`;

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

// Endpoint addresses: service i's j-th initial endpoint is 10.200.x.y; replacements count up in 10.201.0.0/16.
const initialIp = (i: number, j: number) => { const n = i * ENDPOINTS + j; return `10.200.${n >> 8}.${n & 255}`; };
let replacements = 0;
const nextIp = () => { const n = ++replacements; return `10.201.${(n >> 8) & 255}.${n & 255}`; };

function sliceFor(i: number, ips: string[]): EndpointSlice {
  return {
    metadata: { name: `svc-${i}-1`, namespace: NAMESPACE, labels: { "kubernetes.io/service-name": `svc-${i}` } },
    addressType: "IPv4",
    endpoints: ips.map((ip) => ({ addresses: [ip], nodeName: "bench-node", conditions: { ready: true } })),
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  };
}

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let k = 0; k < items.length; k += width) await Promise.all(items.slice(k, k + width).map(fn));
}

const DNAT_TARGET = /(?:dnat to |: )(\d+\.\d+\.\d+\.\d+)(?::| \. )\d+/g;
const SEEN_TIMEOUT_MS = 30_000;

/** `nft monitor` in the namespace: tells when a DNAT rule to an address has been added. */
function monitorRules(): { ready: Promise<void>; seen(ip: string): Promise<number>; stop(): void } {
  const child = spawn("nsenter", [`--net=/run/netns/${NETNS}`, "nft", "monitor", "rules"], { stdio: ["ignore", "pipe", "inherit"] });
  const waiters = new Map<string, (t: number) => void>();
  const early = new Map<string, number>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const t = performance.now();
    if (!line.startsWith("add rule ") || !line.includes(" dnat ")) return;
    for (const [, ip] of line.matchAll(DNAT_TARGET)) {
      const w = waiters.get(ip!);
      if (w) { waiters.delete(ip!); w(t); } else if (!early.has(ip!)) early.set(ip!, t);
    }
  });
  // A monitor that dies (e.g. its netlink socket overran) must fail the run, not leave waiters hanging.
  child.on("exit", (code) => {
    if (code !== null) for (const ip of waiters.keys()) console.error(`nft monitor exited (${code}) before ${ip} was seen`);
    if (code !== null && waiters.size > 0) process.exit(1);
  });
  return {
    ready: sleep(300).then(() => {}), // nft monitor prints nothing when it is listening; give it time to subscribe
    // A rule never seen fails the run instead of hanging it.
    seen: (ip) =>
      early.has(ip)
        ? Promise.resolve(early.get(ip)!)
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no DNAT rule to ${ip} seen within ${SEEN_TIMEOUT_MS} ms`)), SEEN_TIMEOUT_MS);
            waiters.set(ip, (t) => { clearTimeout(timer); resolve(t); });
          }),
    stop: () => child.kill(),
  };
}

async function main(): Promise<void> {
  const api = values.kubeconfig ? undefined : await startTestApi();
  const client = api ? api.client : new Client(new HttpsTransport(await loadKubeconfig(values.kubeconfig!)), "berth-bench");
  const abort = new AbortController();
  await exec("ip", ["netns", "add", NETNS]);
  try {
    if (values.kubeconfig) await client.resource(R.namespaces).create({ metadata: { name: NAMESPACE } });
    const svcs = client.resource(R.services);
    const slices = client.resource(R.endpointslices);
    const endpoints: string[][] = [];
    let t0 = performance.now();
    await inBatches([...Array(SERVICES).keys()], 50, async (i) => {
      await svcs.create({ metadata: { name: `svc-${i}`, namespace: NAMESPACE }, spec: { ports: [{ name: "http", port: 80, protocol: "TCP" }] } });
      endpoints[i] = [...Array(ENDPOINTS).keys()].map((j) => initialIp(i, j));
      await slices.create(sliceFor(i, endpoints[i]!));
    });
    console.log(`created ${SERVICES} Services with ${ENDPOINTS} endpoints each in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    t0 = performance.now();
    const proxy = await startServiceProxy({ client, nodeName: "bench-node", commandPrefix: ["nsenter", `--net=/run/netns/${NETNS}`], signal: abort.signal });
    await proxy.synced;
    const { stdout: table } = await exec("nsenter", [`--net=/run/netns/${NETNS}`, "nft", "list", "table", "ip", "berth-proxy"], { maxBuffer: 1 << 28 });
    console.log(`initial sync (informers listed + full table loaded): ${Math.round(performance.now() - t0)} ms; table: ${table.split("\n").filter((l) => /^\s+chain /.test(l)).length} chains`);

    const monitor = monitorRules();
    await monitor.ready;
    const latencies: number[] = [];
    const change = async (i: number): Promise<number> => {
      const ip = nextIp();
      endpoints[i]![replacements % ENDPOINTS] = ip;
      const seen = monitor.seen(ip);
      const current = await slices.get(NAMESPACE, `svc-${i}-1`);
      const start = performance.now();
      await slices.update({ ...current, endpoints: sliceFor(i, endpoints[i]!).endpoints });
      return (await seen) - start;
    };
    const pending: Promise<void>[] = [];
    for (let k = 0; k < CHANGES; k++) {
      pending.push(change((k * 7919) % SERVICES).then((ms) => void latencies.push(ms)));
      await sleep(1000 / RATE);
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`${CHANGES} single endpoint changes at ${RATE}/s, API write -> rule in kernel: p50 ${f(quantile(latencies, 0.5))}, p99 ${f(quantile(latencies, 0.99))}, max ${f(latencies.at(-1)!)}`);

    if (BURST > 0) {
      const start = performance.now();
      const seen: Promise<number>[] = [];
      await inBatches([...Array(BURST).keys()], 100, async (i) => {
        const ip = nextIp();
        endpoints[i]![0] = ip;
        seen.push(monitor.seen(ip));
        const current = await slices.get(NAMESPACE, `svc-${i}-1`);
        await slices.update({ ...current, endpoints: sliceFor(i, endpoints[i]!).endpoints });
      });
      const writesDone = performance.now() - start;
      const last = Math.max(...(await Promise.all(seen))) - start;
      console.log(`burst of ${BURST} changes: written in ${Math.round(writesDone)} ms, all in the kernel after ${Math.round(last)} ms`);
    }
    monitor.stop();
    abort.abort();
    await proxy.done;
  } finally {
    abort.abort();
    if (values.kubeconfig) await client.resource(R.namespaces).delete(undefined, NAMESPACE).catch(() => {});
    await exec("ip", ["netns", "del", NETNS]).catch(() => {});
    await api?.close();
  }
}

await main();
